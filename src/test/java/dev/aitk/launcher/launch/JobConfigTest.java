package dev.aitk.launcher.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsNameAndTrainingFolder() throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "job: extension\nconfig:\n  name: my_lora\n  process:\n    - type: sd_trainer\n"
                + "      training_folder: /runs/out\n");
        assertThat(JobConfig.read(f)).isEqualTo(new JobConfig("my_lora", Path.of("/runs/out")));
    }

    @Test
    void theTrainingFolderDefaultsToOutputAsInAiToolkit() throws Exception {
        Path f = tmp.resolve("c.json");
        Files.writeString(f, "{\"job\": \"extension\", \"config\": {\"name\": \"j\", \"process\": [{\"type\": \"sd_trainer\"}]}}");
        assertThat(JobConfig.read(f).trainingFolder()).isEqualTo(Path.of("output"));
    }

    @Test
    void aConfigWithoutNameIsOneSentenceExit3() throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "job: extension\nconfig:\n  process: []\n");
        assertThatThrownBy(() -> JobConfig.read(f)).isInstanceOf(LauncherException.class)
                .hasMessageContaining("has no config.name")
                .extracting(e -> ((LauncherException) e).exitCode().code()).isEqualTo(3);
    }

    @Test
    void brokenYamlIsRefusedClearly() throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, "config: [unclosed\n");
        assertThatThrownBy(() -> JobConfig.read(f)).hasMessageContaining("is not valid YAML");
    }
}
