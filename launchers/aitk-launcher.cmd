@echo off
rem Runs the packaged launcher jar; on a fresh clone it builds the jar first (quietly), so one command works.
rem Start-up: a class-data-sharing archive made once per jar and Java is used when it is there (see
rem docs\benchmarks.md, "Start-up time"); set AITK_LAUNCHER_CDS=off to run without it. Paths are always
rem quoted and expanded outside parenthesised blocks, so folders with spaces, parentheses or ampersands work.
setlocal EnableExtensions DisableDelayedExpansion
for %%I in ("%~dp0..") do set "ROOT=%%~fI"
set "JAR=%ROOT%\target\aitk-launcher.jar"
if exist "%JAR%" goto findjava

where mvn >nul 2>nul
if not errorlevel 1 goto build
echo error: "%JAR%" is missing and Maven (mvn) is not installed to build it; install Maven and Java 17 1>&2
exit /b 7

:build
echo aitk-launcher: building the launcher once (mvn package), this takes a minute... 1>&2
set "BUILD_LOG=%TEMP%\aitk-launcher-build-%RANDOM%.log"
pushd "%ROOT%"
call mvn -q -B -DskipTests package > "%BUILD_LOG%" 2>&1
set "BUILD_RC=%ERRORLEVEL%"
popd
if "%BUILD_RC%"=="0" goto built
echo error: building the launcher failed; see "%BUILD_LOG%" 1>&2
exit /b 7
:built
del "%BUILD_LOG%" >nul 2>nul

:findjava
set "JAVA_BIN="
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA_BIN=%JAVA_HOME%\bin\java.exe"
if not defined JAVA_BIN for %%J in (java.exe) do set "JAVA_BIN=%%~$PATH:J"
if defined JAVA_BIN goto options
echo error: Java was not found (set JAVA_HOME or put java 17+ on PATH) 1>&2
exit /b 7

:options
rem C1 alone starts faster; the long-running commands (downloads, training supervision) keep the full JIT.
set "JVM_OPTS=-Xshare:auto"
if /i "%~1"=="prefetch" goto cds
if /i "%~1"=="migrate-data" goto cds
if /i "%~1"=="launch" goto cds
set "JVM_OPTS=%JVM_OPTS% -XX:TieredStopAtLevel=1"

:cds
if /i "%AITK_LAUNCHER_CDS%"=="off" goto run
rem The archive is remade when the jar or the Java runtime changes: their sizes and times are its key.
set "ARCHIVE=%ROOT%\target\aitk-launcher.jsa"
set "STAMP="
for %%F in ("%JAR%") do set "STAMP=%%~zF %%~tF"
for %%F in ("%JAVA_BIN%") do set "STAMP=%STAMP% %%~zF %%~tF"
set "OLD_STAMP="
if exist "%ARCHIVE%.key" set /p OLD_STAMP=<"%ARCHIVE%.key"
if exist "%ARCHIVE%" if "%STAMP%"=="%OLD_STAMP%" goto usecds
if exist "%ARCHIVE%.failed" if "%STAMP%"=="%OLD_STAMP%" goto run

rem Static archive (Java 17's dynamic one skips picocli's Java 5 classes); temp names, then a rename, so two
rem first runs can race. The names add the time in centiseconds to RANDOM, whose seed is the second a cmd
rem started. Any failure only means running without the archive.
set "SUFFIX=%TIME: =0%"
set "SUFFIX=%SUFFIX::=%"
set "SUFFIX=%SUFFIX:.=%"
set "SUFFIX=%SUFFIX:,=%"
set "SUFFIX=%SUFFIX%%RANDOM%"
echo aitk-launcher: preparing a start-up cache once for this build (a few seconds)... 1>&2
set "CLASSLIST=%ARCHIVE%.%SUFFIX%.classlist"
set "TMP_ARCHIVE=%ARCHIVE%.%SUFFIX%.tmp"
"%JAVA_BIN%" -Xshare:auto -XX:DumpLoadedClassList="%CLASSLIST%" -cp "%JAR%" dev.aitk.launcher.cli.CdsTraining >nul 2>nul
if errorlevel 1 goto cdsfailed
"%JAVA_BIN%" -Xshare:dump -XX:SharedClassListFile="%CLASSLIST%" -XX:SharedArchiveFile="%TMP_ARCHIVE%" -cp "%JAR%" >nul 2>nul
if errorlevel 1 goto cdsfailed
if not exist "%TMP_ARCHIVE%" goto cdsfailed
move /y "%TMP_ARCHIVE%" "%ARCHIVE%" >nul 2>nul
if errorlevel 1 goto cdsfailed
del "%CLASSLIST%" "%ARCHIVE%.failed" >nul 2>nul
> "%ARCHIVE%.key" echo %STAMP%
goto usecds

:cdsfailed
del "%CLASSLIST%" "%TMP_ARCHIVE%" >nul 2>nul
> "%ARCHIVE%.key" echo %STAMP%
type nul > "%ARCHIVE%.failed" 2>nul
goto run

:usecds
set "CDS_OPT=-XX:SharedArchiveFile=%ARCHIVE%"
"%JAVA_BIN%" %JVM_OPTS% "%CDS_OPT%" -Xlog:cds=off %AITK_LAUNCHER_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%

:run
"%JAVA_BIN%" %JVM_OPTS% %AITK_LAUNCHER_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
