package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flag that would change nothing is refused in one sentence (exit 2), never silently ignored. */
class InapplicableFlagsTest {
    @TempDir
    Path home;

    @Test
    void planPinsAndRenderFlagsDoNotApplyToAConfigLaunchedAsItIs() throws Exception {
        Path config = home.resolve("mine.yaml");
        Files.writeString(config, "job: extension\nconfig:\n  name: mine_v1\n  process: []\n");
        String before = Files.readString(config);

        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--config", "mine.yaml",
                "--steps", "4000", "--batch-size", "2", "--model", "kontext");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --config launches a config as it is, so --steps, --batch-size, --model do "
                + "not apply; change the config itself, or leave out --config to render and plan a new one\n");
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(config)).isEqualTo(before);
        for (String pin : new String[] {"--resolution=512", "--rank=32", "--optimizer=adamw", "--effective-batch=4",
            "--quantize", "--no-gradient-checkpointing", "--jobs=2"}) {
            CliRun.Result one = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--config", "mine.yaml", pin);
            assertThat(one.exitCode()).as(pin).isEqualTo(2);
            assertThat(one.err()).contains("so " + pin.replaceFirst("=.*", "").replace("--no-", "--") + " does not apply");
        }
    }

    @Test
    void theFlagsThatDoApplyToAConfigStillWork() throws Exception {
        Files.writeString(home.resolve("mine.yaml"), "job: extension\nconfig:\n  name: mine_v1\n  process: []\n");

        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run",
                "--config", "mine.yaml", "--toolkit-dir", home.toString(), "--max-attempts", "2", "--no-prefetch");

        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void downloadTuningDoesNothingOffline() {
        CliRun.Result r = CliRun.in(home).env("HF_HOME", home.resolve("hf").toString()).run("prefetch",
                "black-forest-labs/FLUX.1-dev", "--offline", "--connections", "32", "--no-sync");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --connections and --no-sync with --offline do nothing (--offline only reads "
                + "the cache); leave them out, or drop --offline\n");
    }

    @Test
    void aDatasetIndexWithoutAConfigToUpdateIsRefused() throws Exception {
        Files.createDirectories(home.resolve("t"));
        CliRun.Result r = CliRun.in(home).run("migrate-data", "--targets", "t", "--masked", "t", "--output", "o",
                "--dataset-index", "1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: --dataset-index without --config does nothing (it picks the datasets[] "
                + "entry of the --config file to update); add --config or leave it out\n");
        assertThat(home.resolve("o")).doesNotExist();
    }

    @Test
    void aDryRunShowsWhatTheRunTimeFlagsWouldDo() throws Exception {
        CliRun.Result plain = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run");
        assertThat(plain.out()).contains("Without --dry-run:\n"
                + "  prefetch: these Hugging Face repos (or single files) are downloaded into the cache first; sizes "
                + "known before asking the Hub are shown\n"
                + "    black-forest-labs/FLUX.1-dev  [model.name_or_path]\n"
                + "  supervision: up to 4 starts of run.py across recoveries; no output and no progress for 30 min is a "
                + "stall; a stop waits 30 s after SIGINT before SIGTERM\n")
                .contains("a real launch stops on these errors (exit 3)");

        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run",
                "--max-attempts", "1", "--stall-timeout", "1h", "--grace-period", "90s", "--no-prefetch",
                "--ignore-validation");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("  prefetch: none (--no-prefetch); run.py downloads what it needs itself, online\n"
                + "    black-forest-labs/FLUX.1-dev  [model.name_or_path]\n"
                + "  supervision: up to 1 start of run.py across recoveries; no output and no progress for 1 h is a "
                + "stall; a stop waits 90 s after SIGINT before SIGTERM\n")
                .contains("a real launch with --ignore-validation starts anyway")
                .doesNotContain("a real launch stops on these errors");

        JsonNode doc = Json.mapper().readTree(CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1",
                "--dry-run", "--json", "--max-attempts", "2", "--stall-timeout", "45m", "--no-prefetch").out());
        assertThat(doc.at("/realRun/maxAttempts").asInt()).isEqualTo(2);
        assertThat(doc.at("/realRun/stallTimeoutMillis").asLong()).isEqualTo(45 * 60_000L);
        assertThat(doc.at("/realRun/gracePeriodMillis").asLong()).isEqualTo(30_000L);
        assertThat(doc.at("/realRun/prefetch").asBoolean()).isFalse();
        assertThat(doc.at("/realRun/ignoreValidation").asBoolean()).isFalse();

        CliRun.Result offline = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run",
                "--offline");
        assertThat(offline.out()).contains("  offline (--offline): no network; the cache must already hold every model "
                + "(checked first: exit 5 naming what is missing), run.py runs with HF_HUB_OFFLINE=1 and no recovery "
                + "sends it online\n");
    }
}
