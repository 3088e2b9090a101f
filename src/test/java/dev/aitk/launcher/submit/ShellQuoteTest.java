package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {
    static final List<String> HOSTILE = List.of("it's", "$HOME", "`id`", "$(touch pwned)", "a b  c", "\"x\"", "back\\slash",
            "*", ";rm -rf /", "'", "''", "", "ünï cødé", "tab\there", "-n", "!event", "~");

    @Test
    void everyHostileValueReachesTheProgramUnchangedThroughBashAndDash() throws Exception {
        for (String shell : List.of("bash", "sh")) {
            for (String value : HOSTILE) {
                assertThat(echoThrough(shell, ShellQuote.quote(value))).as(shell + " with " + value).isEqualTo(value);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nbreak", "carriage\rreturn", "nul\0byte"})
    void lineBreaksAndNulAreRefusedWithTheValueShown(String value) {
        assertThatThrownBy(() -> ShellQuote.requireSingleLine("the output folder", value))
                .isInstanceOf(LauncherException.class)
                .hasMessageStartingWith("the output folder '")
                .hasMessageContaining("cannot carry safely")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.INPUT_INVALID));
    }

    private static String echoThrough(String shell, String word) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(shell, "-c", "printf '%s' " + word).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }
}
