package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
