package dev.aitk.launcher.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {
    static final List<String> HOSTILE = List.of("plain", "with space", "it's", "say \"hi\"", "$HOME", "`id`",
            "$(id)", "a\\b", "*", "~", "100%", "!bang", "a;b&c|d", "", "-n", "tab\there", "ü日本");

    @Test
    void posixWordsReachTheProgramUnchanged() throws Exception {
        String line = "printf '%s\\0' " + ShellQuoting.posixLine(HOSTILE);
        Process p = new ProcessBuilder("sh", "-c", line).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> received = new ArrayList<>(Arrays.asList(new String(out, StandardCharsets.UTF_8).split("\0", -1)));
        received.remove(received.size() - 1);
        assertThat(received).containsExactlyElementsOf(HOSTILE);
    }

    @Test
    void posixQuotingIsMinimalForSafeWords() {
        assertThat(ShellQuoting.posix("/opt/ai-toolkit/run.py")).isEqualTo("/opt/ai-toolkit/run.py");
        assertThat(ShellQuoting.posix("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuoting.posix("")).isEqualTo("''");
        assertThat(ShellQuoting.posix("a=b")).isEqualTo("'a=b'");
    }

    @Test
    void cmdQuotingDoublesPercentInBatchFilesAndProtectsSpecials() {
        assertThat(ShellQuoting.cmd("C:\\data\\100% & (new) ^ !x", true)).isEqualTo("\"C:\\data\\100%% & (new) ^ !x\"");
        assertThat(ShellQuoting.cmd("C:\\data\\100%", false)).isEqualTo("\"C:\\data\\100%\"");
        assertThat(ShellQuoting.cmd("C:\\", true)).isEqualTo("\"C:\\\\\"");
        assertThat(ShellQuoting.cmd("--gpus", true)).isEqualTo("--gpus");
        assertThat(ShellQuoting.cmd("a=b,c", true)).isEqualTo("\"a=b,c\"");
    }

    @Test
    void cmdRefusesWhatItCannotQuote() {
        assertThatThrownBy(() -> ShellQuoting.cmd("say \"hi\"", true)).hasMessageContaining("double quote");
        assertThatThrownBy(() -> ShellQuoting.cmd("a\nb", true)).hasMessageContaining("line break");
    }
}
