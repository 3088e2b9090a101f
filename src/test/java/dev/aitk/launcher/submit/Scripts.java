package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helpers that run generated scripts for real: shellcheck, bash, and a launcher that records its argv. */
final class Scripts {
    private Scripts() {
    }

    static void assertShellcheckClean(Path script) throws IOException, InterruptedException {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed (apt-get install shellcheck); .ci/run installs it");
        Process p = new ProcessBuilder("shellcheck", "--severity=style", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("shellcheck of %s:%n%s", script, out).isZero();
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** A launcher stand-in that writes its arguments, NUL-separated, and HF_HOME to {@code record}. */
    static Path recordingLauncher(Path dir, Path record) throws IOException {
        Files.createDirectories(dir);
        Path launcher = dir.resolve("aitk-launcher");
        Files.writeString(launcher, "#!/bin/bash\n"
                + "printf '%s\\0' \"$@\" > " + ShellQuote.quote(record.toString()) + "\n"
                + "printf 'HF_HOME=%s' \"${HF_HOME-unset}\" > " + ShellQuote.quote(record + ".env") + "\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    static List<String> recordedArgs(Path record) throws IOException {
        String text = Files.readString(record, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(Arrays.asList(text.split("\0", -1)));
        args.remove(args.size() - 1);
        return args;
    }

    record Run(int exitCode, String output) {
    }

    static Run bash(Path script, Path cwd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
