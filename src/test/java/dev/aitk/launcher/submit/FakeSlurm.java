package dev.aitk.launcher.submit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Slurm's command-line tools as small shell scripts on a test PATH: each call's argv and working directory are
 * recorded, sbatch hands out increasing job ids, and the others print what the test put in their
 * {@code <tool>.out} file with the exit code in {@code <tool>.rc}. For the real thing see SlurmSubmitIT.
 */
final class FakeSlurm {
    final Path bin;
    final Path state;

    FakeSlurm(Path dir) throws IOException {
        bin = Files.createDirectories(dir.resolve("fake-slurm-bin"));
        state = Files.createDirectories(dir.resolve("fake-slurm-state"));
        Files.writeString(state.resolve("next-id"), "100");
        write("sbatch", """
                n=$(cat "$state/next-id")
                record sbatch "$@"
                if [ -f "$state/sbatch.fail" ] && [ "$n" -ge "$(cat "$state/sbatch.fail")" ]; then
                  echo "sbatch: error: Batch job submission failed: Invalid partition name specified" >&2
                  exit 1
                fi
                echo $((n + 1)) > "$state/next-id"
                echo "$n"
                """);
        for (String tool : List.of("squeue", "scontrol", "sacct", "scancel")) {
            write(tool, """
                    record %1$s "$@"
                    if [ "%1$s" = scontrol ] && [ "$*" = "show config" ]; then
                      cat "$state/scontrol-config.out" 2>/dev/null || true
                      exit 0
                    fi
                    if [ -f "$state/%1$s.out" ]; then cat "$state/%1$s.out"; fi
                    if [ -f "$state/%1$s.err" ]; then cat "$state/%1$s.err" >&2; fi
                    exit "$(cat "$state/%1$s.rc" 2>/dev/null || echo 0)"
                    """.formatted(tool));
        }
    }

    private void write(String tool, String body) throws IOException {
        String script = "#!/bin/bash\nset -eu\nstate=" + ShellQuote.quote(state.toString()) + "\n"
                + "record() {\n"
                + "  local n; n=$(ls \"$state\" | grep -c '^call-' || true)\n"
                + "  { printf '%s\\n' \"$PWD\"; printf '%s\\n' \"$@\"; } > \"$state/call-$(printf '%03d' \"$n\")\"\n"
                + "}\n" + body;
        Path file = bin.resolve(tool);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    void answer(String tool, String stdout, int exitCode) throws IOException {
        Files.writeString(state.resolve(tool + ".out"), stdout);
        Files.writeString(state.resolve(tool + ".rc"), Integer.toString(exitCode));
    }

    /** What {@code scontrol show config} prints (the other scontrol calls print scontrol.out). */
    void config(String text) throws IOException {
        Files.writeString(state.resolve("scontrol-config.out"), text);
    }

    void startIdsAt(int id) throws IOException {
        Files.writeString(state.resolve("next-id"), Integer.toString(id));
    }

    void answerError(String tool, String stderr, int exitCode) throws IOException {
        Files.writeString(state.resolve(tool + ".err"), stderr);
        Files.writeString(state.resolve(tool + ".rc"), Integer.toString(exitCode));
    }

    /** sbatch fails from the job id {@code id} on (the first call gets 100). */
    void failSbatchFrom(int id) throws IOException {
        Files.writeString(state.resolve("sbatch.fail"), Integer.toString(id));
    }

    /** Every call in order: working directory, then the tool name and its arguments. */
    List<Call> calls() throws IOException {
        List<Call> calls = new ArrayList<>();
        try (Stream<Path> files = Files.list(state)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("call-")).sorted().toList()) {
                List<String> lines = Arrays.asList(Files.readString(f, StandardCharsets.UTF_8).split("\n", -1));
                calls.add(new Call(lines.get(0), lines.get(1), lines.subList(2, lines.size() - 1)));
            }
        }
        return calls;
    }

    List<Call> calls(String tool) throws IOException {
        return calls().stream().filter(c -> c.tool().equals(tool)).toList();
    }

    String path() {
        return bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }

    record Call(String cwd, String tool, List<String> args) {
    }
}
