package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.supervise.FailureKind;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md and the classifier cannot drift apart: every kind has a section, and each
 * section's example log, read by the same code as {@code diagnose}, comes out as that kind.
 */
class TroubleshootingGuideTest {
    private static final Pattern SECTION = Pattern.compile(
            "(?m)^## (?<title>[^\\n]+)\\n\\nKind: `(?<kind>[A-Z_]+)`\\n\\n```log\\n(?<example>.*?)\\n```", Pattern.DOTALL);

    private static Map<FailureKind, String> examples() throws IOException {
        String guide = Files.readString(Path.of("docs/troubleshooting.md"));
        Map<FailureKind, String> examples = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(guide);
        while (m.find()) {
            FailureKind kind = FailureKind.valueOf(m.group("kind"));
            assertThat(examples.put(kind, m.group("example"))).as("one section for " + kind).isNull();
        }
        return examples;
    }

    @Test
    void everyFailureKindHasASection() throws IOException {
        Set<FailureKind> documented = examples().keySet();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(FailureKind.class));
    }

    @Test
    void eachSectionsExampleClassifiesAsItsKind() throws IOException {
        Diagnoser diagnoser = new Diagnoser(dev.aitk.launcher.util.Environment.of(java.util.Map.of(), Path.of("."), Path.of(".")));
        examples().forEach((kind, example) -> {
            Diagnosis d = diagnoser.fromText(kind.name(), example);
            assertThat(d.failure()).as("the example of " + kind + ":\n" + example).isEqualTo(kind);
        });
    }

    @Test
    void theGuideSaysWhatTheLauncherDoesForEachKind() throws IOException {
        String guide = Files.readString(Path.of("docs/troubleshooting.md"));
        for (FailureKind kind : FailureKind.values()) {
            int at = guide.indexOf("Kind: `" + kind.name() + "`");
            int next = guide.indexOf("\n## ", at);
            String section = guide.substring(at, next < 0 ? guide.length() : next);
            assertThat(section).as(kind.name()).contains("**Launcher:**").contains("**You:**");
            assertThat(section).as(kind.name() + " names its exit code")
                    .contains("exit " + kind.exitCode().code());
        }
    }
}
