package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code launch} end to end through the CLI: the run.py test double runs out of GPU memory above a batch size
 * smaller than the plan's, and the launcher re-plans smaller, restarts, and run.py resumes to the end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchOomReplanTest {
    @TempDir
    Path tmp;

    @Test
    void anOutOfMemoryPlannedRunIsReplannedSmallerAndResumesFromItsCheckpoint() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (int i = 0; i < 12; i++) {
            ImageIO.write(new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB), "png",
                    data.resolve("img" + i + ".png").toFile());
            Files.writeString(data.resolve("img" + i + ".txt"), "a photo of sks" + i);
        }
        Path output = tmp.resolve("runs");
        String[] launch = {"launch", "--gpu-memory", "80GB", "--gpus", "1", "--dataset", data.toString(),
                "--output", output.toString(), "--name", "oom_lora", "--toolkit-dir", kit.root.toString(),
                "--python", kit.python, "--set", "train.steps=30", "--set", "save.save_every=10", "--no-prefetch"};
        // --set train.steps keeps 30 steps whatever batch is planned (--steps is a budget in samples, #11).
        CliRun cli = CliRun.in(tmp).env("HF_HOME", tmp.resolve("hf").toString());

        CliRun.Result dry = cli.run(concat(launch, "--dry-run", "--json"));
        assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
        int plannedBatch = plannedBatch(Json.mapper().readTree(dry.out()));
        assertThat(plannedBatch).as("the plan must batch more than one image for this test").isGreaterThan(1);

        CliRun.Result r = cli.env("FAKE_AITK_OOM_ABOVE_BATCH", String.valueOf(plannedBatch - 1))
                .run(concat(launch, "--json"));

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("out of GPU memory: re-planned smaller (train.batch_size " + plannedBatch + " -> ")
                .contains("GiB cap (the failed plan:").contains("resuming from the newest checkpoint");
        JsonNode record = Json.mapper().readTree(r.out());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        JsonNode attempts = record.get("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("cause").asText()).isEqualTo("OUT_OF_MEMORY");
        assertThat(attempts.get(0).get("nextAction").asText()).contains("re-planned smaller");
        Path second = output.resolve("oom_lora.attempt-2.yaml");
        assertThat(attempts.get(1).get("startReason").asText()).contains("re-planned smaller");
        String rendered = Files.readString(second);
        assertThat(rendered).contains("name: oom_lora").contains("training_folder: " + output)
                .contains("save_every: 10").doesNotContain("batch_size: " + plannedBatch + "\n");
        // run.py resumed from the checkpoint the first attempt saved at step 10, not from step 0.
        assertThat(attempts.get(1).get("resumedFromStep").asInt()).isEqualTo(10);
        String log = Files.readString(Path.of(attempts.get(1).get("logFile").asText()));
        assertThat(log).contains("RESUMING FROM").contains("Found step 10 in metadata");
        Path runJson = Path.of(record.get("logDirectory").asText()).resolve("run.json");
        assertThat(Json.mapper().readTree(runJson.toFile()).get("attempts")).hasSize(2);
        assertThat(output.resolve("oom_lora/oom_lora.safetensors")).exists();
    }

    private static int plannedBatch(JsonNode dryRun) {
        for (JsonNode s : dryRun.get("preparation").get("jobs").get(0).get("settings")) {
            if (s.get("keyPath").asText().equals("train.batch_size")) {
                return s.get("value").asInt();
            }
        }
        throw new AssertionError("no train.batch_size in " + dryRun);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
