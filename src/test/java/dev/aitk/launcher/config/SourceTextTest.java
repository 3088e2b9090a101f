package dev.aitk.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** ${VAR} substitution as run.py's replace_env_vars_in_string does it, and positions mapped back. */
class SourceTextTest {
    @Test
    void replacesSetVariablesAndKeepsUnsetOnesWithTheirPlace() {
        SourceText s = SourceText.substitute("a: ${X}/b\nc: ${NOPE} ${}\n", Map.of("X", "/long/value"), false);
        assertThat(s.substituted()).isEqualTo("a: /long/value/b\nc: ${NOPE} ${}\n");
        assertThat(s.unset()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("NOPE");
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(4);
        });
    }

    @Test
    void emptyValueCountsAsSetLikeOsEnvironGet() {
        SourceText s = SourceText.substitute("a: x${E}y\n", Map.of("E", ""), false);
        assertThat(s.substituted()).isEqualTo("a: xy\n");
        assertThat(s.unset()).isEmpty();
        // "y" is column 5 of the substituted line (0-based 4) and column 9 of the original.
        assertThat(s.toOriginal(0, 4)).containsExactly(1, 9);
    }

    @Test
    void positionsInsideAReplacementPointAtThePlaceholder() {
        SourceText s = SourceText.substitute("k: ${A}\nz: 1\n", Map.of("A", "one\ntwo"), false);
        assertThat(s.substituted()).isEqualTo("k: one\ntwo\nz: 1\n");
        assertThat(s.toOriginal(1, 1)).containsExactly(1, 4);
        assertThat(s.toOriginal(2, 0)).containsExactly(2, 1);
    }

    @Test
    void namesAreCaseInsensitiveOnlyWhereTheOsSaysSo() {
        assertThat(SourceText.substitute("${home}", Map.of("HOME", "/h"), true).substituted()).isEqualTo("/h");
        assertThat(SourceText.substitute("${home}", Map.of("HOME", "/h"), false).unset()).hasSize(1);
    }
}
