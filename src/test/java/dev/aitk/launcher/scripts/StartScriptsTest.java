package dev.aitk.launcher.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.FileReplacement;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartScriptsTest {
    @TempDir
    Path dir;

    /** A stand-in launcher that writes each argument it receives, NUL-terminated, to the file named by ARGV_OUT. */
    private Path fakeLauncher() throws IOException {
        Path fake = dir.resolve("fake launcher's $bin").resolve("aitk-launcher");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$ARGV_OUT\"\n");
        fake.toFile().setExecutable(true);
        return fake;
    }

    private static List<String> argv(Path file) throws IOException {
        List<String> args = new ArrayList<>(Arrays.asList(Files.readString(file, StandardCharsets.UTF_8).split("\0", -1)));
        args.remove(args.size() - 1);
        return args;
    }

    @Test
    void theShellScriptPassesHostilePathsExactly() throws Exception {
        Path fake = fakeLauncher();
        String config = dir.resolve("runs/it's a \"test\" $HOME `id` $(id) 100% !x/my lora.yaml").toString();
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request(fake.toString(), "aitk-launcher.cmd",
                List.of("launch", "--config", config, "--gpu-memory", "24GB", "--gpus", "1"), "Starts a test run."));
        Path out = dir.resolve("out");
        FileReplacement.writeAll(StartScripts.files(out, scripts), false, "");
        Path sh = out.resolve(StartScripts.SH);
        assertThat(Files.isExecutable(sh)).isTrue();

        Path argvFile = dir.resolve("argv");
        ProcessBuilder pb = new ProcessBuilder(sh.toString(), "--dry-run", "extra arg").redirectErrorStream(true);
        pb.environment().put("ARGV_OUT", argvFile.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(argv(argvFile)).containsExactly("launch", "--config", config, "--gpu-memory", "24GB", "--gpus", "1",
                "--dry-run", "extra arg");
    }

    @Test
    void theShellScriptPassesShellcheck() throws Exception {
        boolean haveShellcheck;
        try {
            haveShellcheck = new ProcessBuilder("shellcheck", "--version").start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            haveShellcheck = false;
        }
        assumeTrue(haveShellcheck, "shellcheck is not installed (Debian package shellcheck; .ci/run installs it)");
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request("/opt/aitk launcher/aitk-launcher",
                "aitk-launcher.cmd", List.of("launch", "--config", "/runs/it's $x `y`.yaml"), "Starts a test run."));
        Path out = dir.resolve("sc");
        FileReplacement.writeAll(StartScripts.files(out, scripts), false, "");
        Process p = new ProcessBuilder("shellcheck", "--severity=style", out.resolve(StartScripts.SH).toString())
                .redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(report).isZero();
    }

    @Test
    void theBatchFileEscapesEveryCmdSpecialCharacter() {
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request("/opt/aitk-launcher",
                "C:\\Program Files (x86)\\aitk\\launchers\\aitk-launcher.cmd",
                List.of("launch", "--config", "D:\\runs\\100% & done ^ (v2) !x\\my lora.yaml", "--toolkit-dir", "E:\\"),
                "Starts a test run."));
        assertThat(scripts.batchSkipped()).isNull();
        assertThat(scripts.batch()).isEqualTo(String.join("\r\n",
                "@echo off",
                "rem Starts a test run.",
                "rem Written by aitk-launcher init. Secrets are read from the environment only:",
                "rem   set HF_TOKEN=...   (needed for gated models; never stored in this file)",
                "rem Extra arguments are passed on to the launcher, e.g.: start_training.bat --dry-run",
                "rem Flags that plan or render a config (--steps, --batch-size, --dataset, ...) are refused: edit the config.",
                "rem Delayed expansion off: a ! in a path stays a literal character.",
                "setlocal DisableDelayedExpansion",
                "rem The paths are UTF-8: read them under code page 65001, then give the console its code page back.",
                "for /f \"tokens=2 delims=:.\" %%c in ('chcp') do set /a \"AITK_CODE_PAGE=%%c\" >nul 2>nul",
                "chcp 65001 >nul",
                "set \"AITK_ARG_0=C:\\Program Files (x86)\\aitk\\launchers\\aitk-launcher.cmd\"",
                "set \"AITK_ARG_3=D:\\runs\\100%% & done ^ (v2) !x\\my lora.yaml\"",
                "set \"AITK_ARG_5=E:\\\\\"",
                "chcp %AITK_CODE_PAGE% >nul",
                "rem No CALL: it would expand percent signs a second time; the launcher's exit code is this script's.",
                "\"%AITK_ARG_0%\" launch --config \"%AITK_ARG_3%\" --toolkit-dir \"%AITK_ARG_5%\" %*",
                ""));
    }

    @Test
    void theBatchFileReadsNonAsciiPathsAsUtf8AndRestoresTheCodePageBeforeTheLauncherRuns() throws IOException {
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request("/opt/aitk-launcher",
                "C:\\Users\\Jürgen\\aitk\\launchers\\aitk-launcher.cmd",
                List.of("launch", "--config", "C:\\Users\\Jürgen\\Bilder\\Übung.yaml"), "Starts a test run."));
        byte[] bytes = Files.readAllBytes(FileReplacement.writeAll(StartScripts.files(dir.resolve("bat"), scripts), false, "").get(1).path());
        String raw = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> lines = List.of(raw.split("\r\n"));

        assertThat(bytes[0]).as("no byte order mark: cmd would read it as part of the first command").isEqualTo((byte) '@');
        int utf8 = lines.indexOf("chcp 65001 >nul");
        int restore = lines.indexOf("chcp %AITK_CODE_PAGE% >nul");
        List<Integer> nonAscii = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).chars().anyMatch(c -> c > 0x7F)) {
                nonAscii.add(i);
            }
        }
        assertThat(nonAscii).isNotEmpty().allSatisfy(i -> assertThat(i).isGreaterThan(utf8).isLessThan(restore));
        assertThat(raw).contains("set \"AITK_ARG_3=C:\\Users\\J\u00c3\u00bcrgen\\Bilder\\\u00c3\u009cbung.yaml\"\r\n");
        assertThat(lines.get(restore + 2)).isEqualTo("\"%AITK_ARG_0%\" launch --config \"%AITK_ARG_3%\" %*");
        assertThat(raw).doesNotContain("\n\n").doesNotContain("\r\r");
    }

    @Test
    void aDoubleQuoteSkipsOnlyTheBatchFile() {
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request("/opt/aitk-launcher",
                "aitk-launcher.cmd", List.of("launch", "--config", "/runs/say \"hi\".yaml"), "Starts a test run."));
        assertThat(scripts.shell()).contains("'/runs/say \"hi\".yaml'");
        assertThat(scripts.batch()).isNull();
        assertThat(scripts.batchSkipped()).isEqualTo("start_training.bat was not written: cmd.exe cannot quote a value "
                + "containing a double quote (\"); use start_training.sh or rename the folder");
    }

    @Test
    void lineBreaksAreRefusedWithTheReason() {
        assertThatThrownBy(() -> StartScripts.render(new StartScripts.Request("/opt/aitk-launcher", "aitk-launcher.cmd",
                List.of("launch", "--config", "/runs/two\nlines.yaml"), "x")))
                .isInstanceOf(LauncherException.class)
                .hasMessage("'/runs/two\\nlines.yaml' contains a line break, which a start script cannot carry safely; "
                        + "rename the folder or file")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.USAGE));
    }

    @Test
    void noSecretIsEverWritten() {
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request("/opt/aitk-launcher",
                "aitk-launcher.cmd", List.of("launch"), "x"));
        assertThat(scripts.shell()).contains("export HF_TOKEN=...").doesNotContain("hf_");
        assertThat(scripts.batch()).contains("set HF_TOKEN=...").doesNotContain("hf_");
    }
}
