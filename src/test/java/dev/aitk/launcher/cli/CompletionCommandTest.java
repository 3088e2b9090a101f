package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script, checked and driven in a real bash as the shell would call it on TAB. */
class CompletionCommandTest {
    private static final Path BASH = Path.of("/bin/bash");

    @TempDir
    Path home;
    private Path script;

    @BeforeEach
    void writeScript() throws IOException {
        assumeTrue(Files.isExecutable(BASH), "bash is not installed");
        CliRun.Result r = CliRun.in(home).run("completion");
        assertThat(r.exitCode()).as(r.err()).isZero();
        script = Files.writeString(home.resolve("aitk-launcher-completion.bash"), r.out());
    }

    @Test
    void theScriptIsValidBash() throws Exception {
        Result r = bash("-n", script.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void tabAfterPlOffersPlan() throws Exception {
        assertThat(complete("aitk-launcher", "pl")).containsExactly("plan");
    }

    @Test
    void tabCompletesADetectOptionAndEverySubcommand() throws Exception {
        assertThat(complete("aitk-launcher", "detect", "--gpu-m")).containsExactly("--gpu-memory");
        assertThat(complete("aitk-launcher", "")).contains("detect", "plan", "launch", "completion");
    }

    @Test
    void theLauncherScriptPathCompletesToo() throws Exception {
        assertThat(complete("launchers/aitk-launcher", "la")).containsExactly("launch");
    }

    /** Sources the script, sets COMP_WORDS/COMP_CWORD as bash does on TAB, calls the function, prints COMPREPLY. */
    private List<String> complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append("'");
        }
        String line = String.join(" ", words);
        String driver = "source '" + script + "'\n"
                + "COMP_WORDS=(" + array + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + line + "'\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "fn=$(complete -p aitk-launcher | sed -E 's/.*-F ([^ ]+).*/\\1/')\n"
                + "\"$fn\" '" + words[0] + "' '" + words[words.length - 1] + "' '" + (words.length > 1 ? words[words.length - 2] : "") + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Result r = bash("-c", driver);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out().lines().filter(s -> !s.isBlank()).map(String::strip).toList();
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Result bash(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(BASH.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectOutput(home.resolve("out.txt").toFile())
                .redirectError(home.resolve("err.txt").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bash finished").isTrue();
        return new Result(p.exitValue(), Files.readString(home.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err.txt"), StandardCharsets.UTF_8));
    }
}
