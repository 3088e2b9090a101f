package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code launch} without --dry-run, end to end through the CLI, against the run.py test double. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchRealRunTest {
    @TempDir
    Path tmp;

    private CliRun cli(FakeToolkit kit) throws Exception {
        return CliRun.in(tmp).env("AITK_HOME", kit.root.toString()).env("HF_HOME", tmp.resolve("hf").toString());
    }

    private Path configWithDataset(FakeToolkit kit, String name) throws Exception {
        Path config = kit.config(name + ".yaml", name, 1, 20, 10);
        Path data = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(config, Files.readString(config).replace("/data/images", data.toString()));
        return config;
    }

    @Test
    void launchRunsAnExistingConfigToTheEnd() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = configWithDataset(kit, "real_a");

        CliRun.Result r = cli(kit).run("launch", "--config", config.toString(), "--gpu-memory", "80GB", "--gpus", "1",
                "--python", kit.python, "--no-prefetch", "--ignore-validation", "--json");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode record = Json.mapper().readTree(r.out());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("environment").get("CUDA_VISIBLE_DEVICES").asText()).isEqualTo("0");
        assertThat(record.get("environment").get("PYTHONUNBUFFERED").asText()).isEqualTo("1");
        assertThat(r.err()).contains("prefetch skipped (--no-prefetch)")
                .contains("an out-of-memory run is re-planned within the config's own settings");
        assertThat(kit.output.resolve("real_a/real_a.safetensors")).exists();
    }

    @Test
    void anHfTransferFailureIsRecoveredWithTheFastPathOff() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = configWithDataset(kit, "real_b");

        CliRun.Result r = cli(kit).env("FAKE_AITK_FAIL_DOWNLOAD", "hf_transfer").env("HF_HUB_ENABLE_HF_TRANSFER", "1")
                .run("launch", "--config", config.toString(), "--gpu-memory", "80GB", "--gpus", "1",
                        "--python", kit.python, "--no-prefetch", "--ignore-validation");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("restarting with the fast download path off")
                .contains("real_b: succeeded after 2 attempt(s)");
    }

    @Test
    void aiToolkitsOwnSkippedBatchesAreCountedAndReportedNotAFailure() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = configWithDataset(kit, "real_d");

        CliRun.Result r = cli(kit).env("FAKE_AITK_OOM_SKIPS", "2").run("launch", "--config", config.toString(),
                "--gpu-memory", "80GB", "--gpus", "1", "--python", kit.python, "--no-prefetch", "--ignore-validation");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("real_d: succeeded after 1 attempt(s)")
                .contains("ai-toolkit skipped 2 batch(es) after an out-of-memory in a training step and went on");
        Path runJson = Path.of(r.out().replaceAll("(?s).*  record: (\\S+run\\.json) .*", "$1"));
        JsonNode record = Json.mapper().readTree(runJson.toFile());
        assertThat(record.get("attempts").get(0).get("oomSkippedBatches").asInt()).isEqualTo(2);
        assertThat(record.get("attempts").get(0).hasNonNull("cause")).as("not a failure").isFalse();
    }

    @Test
    void aMissingToolkitStopsBeforeAnythingRunsWithExit7() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = configWithDataset(kit, "real_c");

        CliRun.Result r = CliRun.in(tmp).run("launch", "--config", config.toString(), "--gpu-memory", "80GB",
                "--gpus", "1", "--no-prefetch");

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.err()).contains("pass --toolkit-dir DIR or set AITK_HOME");
        assertThat(kit.output.resolve("real_c")).doesNotExist();
    }
}
