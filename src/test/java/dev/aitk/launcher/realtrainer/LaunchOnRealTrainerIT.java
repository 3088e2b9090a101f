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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code launch}, planned for a described machine, drives the real ai-toolkit run.py to the end: the tiny model
 * is served by the fake Hub under a repository id, launch prefetches it, and run.py loads it offline from that
 * cache by the id. No test double anywhere.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LaunchOnRealTrainerIT {
    static final int STEPS = 10;

    @TempDir
    Path tmp;
    private FakeHub hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stopHub() throws Exception {
        hub.close();
    }

    /**
     * The launch command line for a tiny CPU run of {@code model}: a planned 80 GB card (with the pins a CPU run
     * needs: no quantization, no checkpointing, fp32 AdamW) and ai-toolkit's CPU settings as --set.
     */
    static List<String> launchArgs(RealTrainerKit kit, String model, String repoId, Path images, Path output, String name,
                                   int steps, String... extraSets) {
        List<String> args = new ArrayList<>(List.of("launch", "--gpu-memory", "80GB", "--gpus", "1", "--model", model,
                "--dataset", images.toString(), "--output", output.toString(), "--name", name,
                "--steps", Integer.toString(steps), "--no-quantize", "--no-gradient-checkpointing", "--optimizer", "adamw",
                "--rank", "4", "--toolkit-dir", kit.toolkitDir().toString(), "--python", kit.python().toString()));
        for (String set : List.of("device=cpu", "train.dtype=fp32", "save.dtype=float32", "model.quantize_te=false",
                "datasets[0].resolution=[" + TinyDataset.SIDE_PX + "]", "train.disable_sampling=true",
                "model.name_or_path=" + repoId)) {
            args.add("--set");
            args.add(set);
        }
        for (String set : extraSets) {
            args.add("--set");
            args.add(set);
        }
        return args;
    }

    @Test
    void devWithAFocusMaskTrainsToTheEndFromTheCacheOffline() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        TinyDataset data = TinyDataset.write(tmp.resolve("data"), 4);
        String repo = "aitk-tests/tiny-flux-dev";
        LauncherProcess.serve(hub, repo, kit.model("flux-dev"));
        LauncherProcess launcher = new LauncherProcess(kit, tmp, hub);

        int code = launcher.run("launch", 480, launchArgs(kit, "dev", repo, data.images(), tmp.resolve("out"), "tiny_dev",
                STEPS, "datasets[0].mask_path=" + data.masks(), "save.save_every=5"));

        assertFinished(launcher, code, tmp.resolve("out"), "tiny_dev", repo);
        String config = Files.readString(tmp.resolve("out/tiny_dev.yaml"));
        assertThat(config).contains("mask_path: " + data.masks());
    }

    @Test
    void kontextWithControlImagesTrainsToTheEndFromTheCacheOffline() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        TinyDataset data = TinyDataset.write(tmp.resolve("data"), 4);
        String repo = "aitk-tests/tiny-flux-kontext";
        LauncherProcess.serve(hub, repo, kit.model("flux-kontext"));
        LauncherProcess launcher = new LauncherProcess(kit, tmp, hub);

        // Sampling on (tiny: 64 px, one denoising step), each sample with its control image: the planned Kontext
        // config must get through ai-toolkit's first sample, where cached text embeddings used to crash it.
        Path ctrl = data.control().resolve("img0.png");
        int code = launcher.run("launch", 480, launchArgs(kit, "kontext", repo, data.images(), tmp.resolve("out"),
                "tiny_kontext", STEPS, "datasets[0].control_path=" + data.control(), "save.save_every=5",
                "train.disable_sampling=false", "sample.width=64", "sample.height=64", "sample.sample_steps=1",
                "sample.sample_every=" + STEPS, "sample.samples[0].ctrl_img=" + ctrl, "sample.samples[1].ctrl_img=" + ctrl));

        assertFinished(launcher, code, tmp.resolve("out"), "tiny_kontext", repo);
        assertThat(Files.readString(tmp.resolve("out/tiny_kontext.yaml"))).contains("arch: flux_kontext")
                .contains("control_path: " + data.control()).contains("cache_text_embeddings: false");
        try (var samples = Files.list(tmp.resolve("out/tiny_kontext/samples"))) {
            assertThat(samples.map(p -> p.getFileName().toString())).as("sample images")
                    .anyMatch(n -> n.endsWith(".jpg") || n.endsWith(".png"));
        }
    }

    private void assertFinished(LauncherProcess launcher, int code, Path output, String name, String repo) throws Exception {
        String text = launcher.text("launch");
        assertThat(code).as(text).isZero();
        Path runDir = output.resolve(name);

        // The LoRA, readable as safetensors: fp32 LoRA tensors that fill the file exactly.
        SafetensorsFile lora = SafetensorsFile.read(runDir.resolve(name + ".safetensors"));
        assertThat(lora.tensors()).as("tensors in the LoRA").isNotEmpty();
        assertThat(lora.tensors().keySet()).allMatch(k -> k.contains("lora_A") || k.contains("lora_B")
                || k.contains("lora_down") || k.contains("lora_up") || k.contains("alpha"), "LoRA tensor names");
        assertThat(lora.tensors().values()).allMatch(t -> t.dtype().equals("F32"), "saved as float32");

        // run.json: succeeded, with the steps and the loss parsed from the real tqdm stream.
        JsonNode record = new ObjectMapper().readTree(runDir.resolve("run.json").toFile());
        assertThat(record.path("status").asText()).as(record.toPrettyString()).isEqualTo("succeeded");
        assertThat(record.path("exitCode").asInt()).isZero();
        assertThat(record.path("stepsDone").asLong()).isEqualTo(STEPS);
        assertThat(record.path("totalSteps").asLong()).isEqualTo(STEPS);
        assertThat(record.path("lastLoss").isNumber()).as("lastLoss in run.json").isTrue();
        assertThat(record.path("lastLoss").asDouble()).isBetween(0.0, 100.0);
        assertThat(record.path("finalCheckpoint").asText()).endsWith(name + ".safetensors");

        // Loaded offline by the repository id, from the cache launch filled.
        assertThat(record.path("environment").path("HF_HUB_OFFLINE").asText()).isEqualTo("1");
        assertThat(Files.readString(output.resolve(name + ".yaml"))).contains("name_or_path: " + repo);
        assertThat(launcher.hfHome().resolve("hub/models--" + repo.replace("/", "--") + "/snapshots")).isDirectory();
        assertThat(hub.requests()).as("the fake Hub served the model").isNotEmpty();
        // The real run.py's own words reached the log launch keeps.
        assertThat(text).doesNotContain("Traceback");
    }
}
