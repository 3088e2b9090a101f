package dev.aitk.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.nodes.MappingNode;

/** One reader for every stage: run.py's ${VAR} substitution, positions in the user's file, safe types only. */
class ConfigReaderTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private ConfigReader reader(Map<String, String> vars) {
        return new ConfigReader(Environment.of(vars, tmp, tmp));
    }

    @Test
    void substitutesBeforeParsingAsRunPyDoes() throws Exception {
        Path f = write("c.yaml", "job: extension\n# model: ${MODEL}\nconfig:\n  name: ${NAME}\n  process:\n    - model:\n        name_or_path: ${MODEL}\n");
        ConfigDocument doc = reader(Map.of("MODEL", "org/model", "NAME", "my_lora")).read(f);
        assertThat(doc.scalarAt("config", "name")).isEqualTo("my_lora");
        Map<?, ?> process = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) doc.plain()).get("config")).get("process")).get(0);
        assertThat(((Map<?, ?>) process.get("model")).get("name_or_path")).isEqualTo("org/model");
    }

    @Test
    void anUnsetVariableIsRefusedAtItsLineEvenInAComment() throws Exception {
        Path f = write("c.yaml", "job: extension\nconfig:\n  # uses ${GONE}\n  name: x\n");
        assertThatThrownBy(() -> reader(Map.of()).read(f)).isInstanceOfSatisfying(ConfigUnreadable.class, e -> {
            assertThat(e.exitCode().code()).isEqualTo(3);
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.column()).isEqualTo(10);
            assertThat(e.getMessage()).startsWith(f + ":3:10: the environment variable GONE is not set")
                    .contains("export GONE=");
        });
    }

    @Test
    void anUnsetVariableComesBeforeASyntaxErrorLikeInRunPy() throws Exception {
        Path f = write("c.yaml", "a: ${GONE}\nb: [unclosed\n");
        assertThatThrownBy(() -> reader(Map.of()).read(f)).hasMessageContaining("GONE is not set");
        assertThatThrownBy(() -> reader(Map.of()).parse(f)).isInstanceOfSatisfying(ConfigUnreadable.class, e -> {
            assertThat(e.problem()).contains("is not valid YAML");
            assertThat(e.unset()).extracting(SourceText.Placeholder::name).containsExactly("GONE");
        });
    }

    @Test
    void positionsPointIntoTheUsersFileAfterALongSubstitution() throws Exception {
        Path f = write("c.yaml", "a: ${LONG}\nb: 1\n");
        ConfigDocument doc = reader(Map.of("LONG", "x".repeat(50))).read(f);
        MappingNode root = (MappingNode) doc.root();
        assertThat(doc.position(root.getValue().get(1).getValueNode())).isEqualTo(new TextPosition(2, 4));
    }

    @Test
    void hostileAndNonStandardInputIsOneSentence() throws Exception {
        Path tag = write("t.yaml", "a: !!python/object:os.system x\n");
        assertThatThrownBy(() -> reader(Map.of()).read(tag)).hasMessageContaining("is not a standard YAML type");
        StringBuilder bomb = new StringBuilder("a: &a [x, x]\n");
        for (int i = 0; i < 25; i++) {
            bomb.append("b").append(i).append(": &b").append(i).append(" [*a, *a]\n");
        }
        Path aliases = write("b.yaml", bomb.toString());
        assertThatThrownBy(() -> reader(Map.of()).read(aliases)).hasMessageContaining("billion laughs");
        assertThatThrownBy(() -> reader(Map.of()).read(write("e.yaml", "# nothing\n"))).hasMessageContaining("is empty");
    }

    @Test
    void editingKeepsPlaceholdersAndComments() throws Exception {
        Path f = write("c.yaml", "config:\n  name: ${NAME} # the run\n");
        ConfigDocument doc = ConfigReader.readForEditing(f);
        assertThat(doc.scalarAt("config", "name")).isEqualTo("${NAME}");
        assertThat(doc.unset()).isEmpty();
        assertThat(YamlIo.serialize(doc.root())).contains("${NAME}", "# the run");
    }

    @Test
    void jsonConfigsMayIndentWithTabs() throws Exception {
        Path f = write("c.json", "{\n\t\"config\": {\"name\": \"${N}\"}\n}\n");
        assertThat(reader(Map.of("N", "j")).read(f).scalarAt("config", "name")).isEqualTo("j");
    }

    @Test
    void locatesAsGetConfigDoesInTheToolkitConfigFolder() throws Exception {
        Path toolkit = tmp.resolve("aitk");
        Files.createDirectories(toolkit.resolve("config"));
        Files.writeString(toolkit.resolve("config/train.yaml"), "a: 1\n");
        assertThat(reader(Map.of()).locate(Path.of("train"), toolkit)).isEqualTo(toolkit.resolve("config/train.yaml"));
        assertThat(reader(Map.of()).locate(Path.of("other.yaml"), toolkit)).isEqualTo(tmp.resolve("other.yaml"));
    }
}
