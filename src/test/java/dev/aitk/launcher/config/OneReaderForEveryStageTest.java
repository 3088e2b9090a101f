package dev.aitk.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.hub.FakeHub;
import dev.aitk.launcher.hub.HuggingfaceHubReadsTheCaches;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: every stage reads a config through {@link ConfigReader}, so a config that says
 * {@code name_or_path: ${MODEL}} validates with the variable set and is prefetched with its value, and an
 * unset variable stops both at its line, as run.py would.
 */
class OneReaderForEveryStageTest {
    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path home;

    @Test
    void aConfigUsingAVariableValidatesAndIsPrefetchedWithItsValue() throws Exception {
        Path config = Files.writeString(home.resolve("train.yaml"), """
                job: extension
                config:
                  name: my_lora
                  process:
                    - type: sd_trainer
                      training_folder: output
                      model:
                        name_or_path: ${MODEL}
                        arch: flux
                """);
        try (FakeHub hub = new FakeHub()) {
            caches.watch(hub, home.resolve("hf/hub"));
            hub.repo("acme/tiny-flux").file("model_index.json", "{}").file("transformer/config.json", "{}");
            CliRun set = CliRun.in(home).env("MODEL", "acme/tiny-flux").env("HF_HOME", home.resolve("hf").toString());

            JsonNode validated = Json.mapper().readTree(set.run("validate", config.toString(), "--gpu-memory", "24GB", "--json").out());
            assertThat(validated.get("findings").findValuesAsText("path")).doesNotContain("config.process[0].model.name_or_path");
            assertThat(validated.get("findings").findValuesAsText("message")).noneMatch(m -> m.contains("MODEL"));

            CliRun.Result prefetched = set.run("prefetch", config.toString(), "--endpoint", hub.endpoint(), "--json");
            assertThat(prefetched.exitCode()).as(prefetched.err()).isZero();
            assertThat(Json.mapper().readTree(prefetched.out()).path("repos").findValuesAsText("repoId")).contains("acme/tiny-flux");

            CliRun unset = CliRun.in(home).env("HF_HOME", home.resolve("hf").toString());
            JsonNode invalid = Json.mapper().readTree(unset.run("validate", config.toString(), "--gpu-memory", "24GB", "--json").out());
            assertThat(invalid.get("findings").findValuesAsText("message")).anyMatch(m -> m.contains("MODEL is not set"));
            CliRun.Result refused = unset.run("prefetch", config.toString(), "--endpoint", hub.endpoint());
            assertThat(refused.exitCode()).isEqualTo(3);
            assertThat(refused.err()).contains(config + ":8:").contains("the environment variable MODEL is not set");
        }
    }
}
