package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.hub.FakeHub;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FLUX.2 [klein] 4B template through the launcher and the REAL ai-toolkit, on a tiny FLUX.2 built with
 * ai-toolkit's own FLUX.2 classes (src/test/realtrainer/flux2/build-tiny-flux2.py): the fake Hub serves the
 * model's transformer file, Qwen/Qwen3-4B and ai-toolkit/flux2_vae, the launcher plans, renders the klein
 * template with the control images, prefetches all three repositories, and run.py loads them offline by their
 * repo ids and trains a LoRA.
 *
 * <p>ai-toolkit sizes the FLUX.2 transformer and VAE from fixed dataclasses (Klein4BParams, AutoEncoderParams),
 * not from a config beside the weights, so the tiny weights load only when those two get the tiny shape: the
 * shim in src/test/realtrainer/flux2/flux2_shape does that and nothing else (see its docstring). A full-size
 * klein 4B (about 4 billion parameters, 16 GB in fp32) cannot train on CI's 2 cores and 24 GB.
 */
class Flux2OnRealTrainerIT {
    static final String KLEIN = "black-forest-labs/FLUX.2-klein-base-4B";

    @TempDir
    Path dir;

    @Test
    void theKleinTemplateTrainsATinyFlux2ThroughTheLauncher() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        Path tiny = dir.resolve("tiny-flux2");
        Path buildLog = dir.resolve("build.log");
        Path builder = Path.of("src/test/realtrainer/flux2/build-tiny-flux2.py").toAbsolutePath();
        int built = kit.runPython(kit.toolkitDir(), buildLog, 600, builder.toString(), tiny.toString());
        assertThat(built).as(Files.readString(buildLog)).isZero();

        TinyDataset data = TinyDataset.write(dir.resolve("data"), 4);
        Path output = dir.resolve("runs");
        try (FakeHub hub = new FakeHub()) {
            LauncherProcess.serve(hub, KLEIN, tiny.resolve("model"));
            LauncherProcess.serve(hub, "Qwen/Qwen3-4B", tiny.resolve("qwen3"));
            LauncherProcess.serve(hub, "ai-toolkit/flux2_vae", tiny.resolve("vae"));
            Path shapeShim = Path.of("src/test/realtrainer/flux2/flux2_shape").toAbsolutePath();
            LauncherProcess launcher = new LauncherProcess(kit, dir, hub).withEnvironment(Map.of(
                    RealTrainerKit.PYTHONPATH, shapeShim + java.io.File.pathSeparator + kit.shimDir(),
                    "AITK_TEST_FLUX2_SHAPE", tiny.resolve("shape.json").toString()));
            List<String> args = new ArrayList<>(List.of("launch", "--model", "flux2-klein-4b",
                    "--gpu-memory", "80GB", "--gpus", "1", "--dataset", data.images().toString(),
                    "--output", output.toString(), "--name", "tiny_klein", "--toolkit-dir", kit.toolkitDir().toString(),
                    "--python", kit.python().toString(), "--steps", "4", "--batch-size", "1",
                    "--no-quantize", "--no-gradient-checkpointing", "--optimizer", "adamw", "--rank", "4",
                    "--set", "device=cpu", "--set", "train.dtype=fp32", "--set", "save.dtype=float32",
                    "--set", "model.quantize_te=false", "--set", "datasets[0].resolution=[64]",
                    "--set", "train.disable_sampling=true", "--set", "save.save_every=2",
                    "--set", "datasets[0].control_path=" + data.control(),
                    "--set", "sample.samples[0].ctrl_img_1=" + data.control().resolve("img0.png"),
                    "--set", "sample.samples[1].ctrl_img_1=" + data.control().resolve("img1.png"),
                    "--json"));

            int exit = launcher.run("klein", 900, args);

            assertThat(exit).as(launcher.text("klein")).isZero();
            JsonNode record = Json.mapper().readTree(Files.readString(launcher.out("klein")));
            assertThat(record.path("status").asText()).isEqualTo("succeeded");
            String log = Files.readString(Path.of(record.at("/attempts/0/logFile").asText()));
            assertThat(log).as("ai-toolkit's FLUX.2 klein loader ran").contains("Loading Qwen3", "Loading VAE");
            assertThat(hub.bytesSent("flux-2-klein-base-4b.safetensors")).as("prefetched, not left to run.py")
                    .isEqualTo(Files.size(tiny.resolve("model/flux-2-klein-base-4b.safetensors")));
            assertThat(hub.bytesSent("model.safetensors")).as("Qwen3 came from its own repository")
                    .isEqualTo(Files.size(tiny.resolve("qwen3/model.safetensors")));
            Path lora = output.resolve("tiny_klein/tiny_klein.safetensors");
            assertThat(SafetensorsFile.read(lora).tensors()).isNotEmpty();
        }
    }
}
