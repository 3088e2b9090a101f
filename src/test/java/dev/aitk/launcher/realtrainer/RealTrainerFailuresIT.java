package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aitk.launcher.hub.FakeHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6, live: a failure the real ai-toolkit makes, through {@code launch}. A checkpoint cut off while
 * it was saved (the machine lost power mid-save) lies in the run's folder; the real run.py resumes from it and
 * fails in safetensors. launch names it (a damaged file), moves it out of the run's folder and starts again,
 * and the run finishes; {@code diagnose} of the failed attempt's log names the file. The other real failure logs
 * are replayed in RealTrainerLogsTest (fast, no venv).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RealTrainerFailuresIT {
    @TempDir
    Path tmp;

    @Test
    void aCheckpointCutOffWhileSavingIsMovedAsideAndTheRunFinishes() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        try (FakeHub hub = new FakeHub()) {
            launchOverACutOffCheckpoint(kit, hub);
        }
    }

    private void launchOverACutOffCheckpoint(RealTrainerKit kit, FakeHub hub) throws Exception {
        TinyDataset data = TinyDataset.write(tmp.resolve("data"), 4);
        String repo = "aitk-tests/tiny-flux-dev";
        LauncherProcess.serve(hub, repo, kit.model("flux-dev"));
        LauncherProcess launcher = new LauncherProcess(kit, tmp, hub);
        Path out = tmp.resolve("out");
        Path cut = out.resolve("cut/cut_000000002.safetensors");
        Files.createDirectories(cut.getParent());
        // A safetensors file's first bytes: the header is 400 bytes long, and the file ends 40 bytes in.
        byte[] start = new byte[40];
        start[0] = (byte) 144;
        start[1] = 1;
        start[8] = '{';
        Files.write(cut, start);

        List<String> args = new ArrayList<>(List.of("launch", "--gpu-memory", "80GB", "--gpus", "1", "--model", "dev",
                "--dataset", data.images().toString(), "--output", out.toString(), "--name", "cut",
                "--toolkit-dir", kit.toolkitDir().toString(), "--python", kit.python().toString()));
        List<String> settings = new ArrayList<>(CpuRun.settings(repo, 4));
        settings.add("train.disable_sampling=true");
        args.addAll(CpuRun.asArgs(settings));
        int code = launcher.run("launch", 480, args);

        String text = launcher.text("launch");
        assertThat(code).as(text).isZero();
        JsonNode record = new ObjectMapper().readTree(out.resolve("cut/run.json").toFile());
        assertThat(record.path("status").asText()).as(record.toPrettyString()).isEqualTo("succeeded");
        JsonNode damaged = record.path("attempts").get(0);
        assertThat(damaged.path("cause").asText()).isEqualTo("DAMAGED_FILE");
        assertThat(damaged.path("nextAction").asText()).contains("cut_000000002.safetensors was cut off while saving");
        assertThat(record.path("attempts")).hasSize(2);
        assertThat(out.resolve("cut.damaged/cut_000000002.safetensors")).as("kept, out of ai-toolkit's way").hasSize(40);
        Path log = Path.of(damaged.path("logFile").asText());
        assertThat(Files.readString(log)).as("the real run.py's own words")
                .contains("#### IMPORTANT RESUMING FROM " + cut)
                .contains("Error running job: Error while deserializing header");

        String label = "diagnose-" + log.getFileName();
        assertThat(launcher.run(label, 120, List.of("diagnose", "--json", log.toString()))).isZero();
        JsonNode fromLog = new ObjectMapper().readTree(LauncherProcess.read(launcher.out(label)));
        assertThat(fromLog.path("failure").asText()).isEqualTo("DAMAGED_FILE");
        assertThat(fromLog.path("fix").asText()).startsWith("move " + cut + " out of the training folder");
    }
}
