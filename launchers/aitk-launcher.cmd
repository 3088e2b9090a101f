@echo off
rem Runs the packaged launcher jar; on a fresh clone it builds the jar first (quietly), so one command works.
setlocal
set "ROOT=%~dp0.."
set "JAR=%ROOT%\target\aitk-launcher.jar"
if exist "%JAR%" goto run
where mvn >nul 2>nul
if errorlevel 1 (
  echo error: %JAR% is missing and Maven ^(mvn^) is not installed to build it; install Maven and Java 17 1>&2
  exit /b 7
)
echo aitk-launcher: building the launcher once ^(mvn package^), this takes a minute... 1>&2
pushd "%ROOT%"
call mvn -q -B -DskipTests package > "%ROOT%\target-build.log" 2>&1
set "BUILD_RC=%ERRORLEVEL%"
popd
if not "%BUILD_RC%"=="0" (
  echo error: building the launcher failed; see %ROOT%\target-build.log 1>&2
  exit /b 7
)
del "%ROOT%\target-build.log" >nul 2>nul
:run
set "JAVA_BIN=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA_BIN=%JAVA_HOME%\bin\java.exe"
"%JAVA_BIN%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -jar "%JAR%" %*
exit /b %ERRORLEVEL%
