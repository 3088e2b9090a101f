package dev.aitk.launcher.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose on logs laid out as ai-toolkit leaves them (log.txt beside its config.yaml), built from the real H100
 * captures; the 24 GB message is the H100 one with a 24 GB card's figures (23.55 GiB as CUDA reports it).
 */
class DiagnoserTest {
    @TempDir
    Path tmp;

    private static final String KONTEXT_CONFIG = """
            job: extension
            config:
              name: kontext_lora
              process:
                - type: sd_trainer
                  model:
                    name_or_path: black-forest-labs/FLUX.1-Kontext-dev
                    arch: flux_kontext
                    quantize: false
            """;

    private Diagnoser diagnoser() {
        return new Diagnoser(Environment.of(Map.of(), tmp, tmp), new Planner(MemoryModel.standard()));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = DiagnoserTest.class.getResourceAsStream("/fixtures/h100/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The real tqdm stream and OOM traceback, on a card of {@code capacity} ("79.18 GiB" as captured). */
    private static String oomLog(String announcement, String capacity) throws IOException {
        return "Running 1 job\n" + announcement + "Loading transformer\n" + fixture("tqdm-train.stderr") + "\n"
                + fixture("torch-oom.stderr").replace("79.18 GiB", capacity)
                + "Error running job: CUDA out of memory. Tried to allocate 40.00 GiB.\n";
    }

    private Path runFolder(String log, String config) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("output/run"));
        if (config != null) {
            Files.writeString(folder.resolve("config.yaml"), config);
        }
        return Files.writeString(folder.resolve("log.txt"), log);
    }

    @Test
    void aKontextLogGetsAdviceForKontextOnTheCardInTheMessage() throws IOException {
        Diagnosis d = diagnoser().diagnose(runFolder(oomLog("Loading Flux Kontext model\n", "23.55 GiB"),
                KONTEXT_CONFIG));

        assertThat(d.failure()).isEqualTo(FailureKind.OUT_OF_MEMORY);
        assertThat(d.model()).isEqualTo("black-forest-labs/FLUX.1-Kontext-dev (arch flux_kontext), from config.yaml "
                + "beside the file (ai-toolkit's copy of the config it ran)");
        assertThat(d.fix()).contains("black-forest-labs/FLUX.1-Kontext-dev on this 23.6 GiB card")
                .contains("--model kontext --gpu-memory 24GB").doesNotContain("FLUX.1-dev");
        assertThat(d.details()).contains("it failed while training (step 40)");
    }

    @Test
    void withoutAConfigTheModelTheLogAnnouncedDecides() throws IOException {
        Diagnosis d = diagnoser().diagnose(runFolder(oomLog("Loading Flux Kontext model\n", "79.18 GiB"), null));

        assertThat(d.model()).isEqualTo("FLUX.1-Kontext-dev (arch flux_kontext), from the model the log announced");
        assertThat(d.fix()).startsWith("the planner's settings for FLUX.1-Kontext-dev on this 79.2 GiB card");
    }

    @Test
    void aTwentyFourGigabyteCardGetsThePlannersSettingsNotGenericAdvice() throws IOException {
        Diagnosis d = diagnoser().diagnose(runFolder(oomLog("Loading Flux model\n", "23.55 GiB"), null));

        assertThat(d.fix()).startsWith("the planner's settings for FLUX.1-dev on this 23.6 GiB card")
                .contains("model.quantize: true").contains("--model dev --gpu-memory 24GB");
        assertThat(d.details()).contains("it needed 40.00 GiB more on GPU 0 with 8.66 GiB free of 23.55 GiB; the "
                + "trainer held 70.51 GiB");
    }

    @Test
    void aGatedModelsFixNamesTheModelsPageNotTheOrganisations() {
        Diagnosis d = diagnoser().fromText("gated", "Loading Flux model\n"
                + "huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-fake)\n"
                + "Cannot access gated repo for url https://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/"
                + "model_index.json.\n"
                + "Access to model black-forest-labs/FLUX.1-dev is restricted. You must have access to it and be "
                + "authenticated to access it. Please log in.\n"
                + "Error running job: 401 Client Error.\n");

        assertThat(d.failure()).isEqualTo(FailureKind.GATED_REPO);
        assertThat(d.fix()).startsWith("open https://huggingface.co/black-forest-labs/FLUX.1-dev, accept its license");
    }

    @Test
    void aConfigJsonTheHubWouldNotServeIsExplainedWithTheRepoPage() {
        Diagnosis d = diagnoser().fromText("403", "Loading Flux model\nLoading transformer\n"
                + "Error running job: black-forest-labs/FLUX.1-dev does not appear to have a file named config.json.\n");

        assertThat(d.outcome()).isEqualTo("failed");
        assertThat(d.failure()).isEqualTo(FailureKind.HUB_FILE_NOT_SERVED);
        assertThat(d.fix()).startsWith("open https://huggingface.co/black-forest-labs/FLUX.1-dev, accept its license")
                .contains("public gated repositories").contains("model.name_or_path is black-forest-labs/FLUX.1-dev");
        assertThat(d.details()).contains("it failed while loading the transformer");
    }

    @Test
    void theAttentionKernelBugIsNamedWithTheVariablesThatRouteAroundIt() {
        Diagnosis d = diagnoser().fromText("sdpa", fixture0() + "Traceback (most recent call last):\n"
                + "  File \"torch/nn/functional.py\", line 6061, in scaled_dot_product_attention\n"
                + "RuntimeError: Expected mha_graph.execute(handle, variant_pack, workspace_ptr.get()).is_good() to be "
                + "true, but got false.\n"
                + "Error running job: Expected mha_graph.execute(handle, variant_pack, workspace_ptr.get()).is_good() "
                + "to be true, but got false.\n");

        assertThat(d.failure()).isEqualTo(FailureKind.ATTENTION_KERNEL_FAILED);
        assertThat(d.fix()).contains("TORCH_CUDNN_SDPA_DEPRIORITIZED=1");
    }

    private static String fixture0() {
        return "my_lora:   1%|          | 12/2000 [00:20<55:00,  1.66s/it, lr: 1.0e-04 loss: 4.1e-01]\n";
    }

    @Test
    void aSigkilledRunWithoutAPythonErrorIsTheHostRunningOutOfRam() {
        Diagnosis d = diagnoser().fromText("oomkill", "Loading Flux model\nLoading transformer\nQuantizing "
                + "transformer\n[aitk-launcher] killed by signal 9 (SIGKILL) with no Python error: the host ran out of "
                + "RAM\n");

        assertThat(d.failure()).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(d.details()).contains("it failed while quantizing the transformer");
        assertThat(d.fix()).contains("datasets[*].num_workers").contains("dmesg");
    }

    @Test
    void aStoppedRunIsTheUsersStopWithWhereTheNextRunResumes() {
        Diagnosis d = diagnoser().fromText("stopped", fixture0()
                + "Saving at step 250\nSaved checkpoint to output/my_lora/my_lora_000000250.safetensors\n"
                + "[aitk-launcher] stopping: Ctrl+C (SIGINT) to the launcher\n\n"
                + "========================================\nJob stopped\n========================================\n");

        assertThat(d.outcome()).isEqualTo("interrupted");
        assertThat(d.stoppedByUser()).isTrue();
        assertThat(d.title()).isEqualTo("stopped by the user");
        assertThat(d.fix()).isEqualTo("run the same command again to resume: ai-toolkit goes on from "
                + "output/my_lora/my_lora_000000250.safetensors");
        assertThat(d.whatTheLauncherDoes()).doesNotContain("fail");
    }

    @Test
    void aLogThatStopsInTheMiddleOfADownloadPointsAtTheXetStall() {
        Diagnosis d = diagnoser().fromText("xet", "Loading Flux model\nLoading transformer\n"
                + "Fetching 3 files:   0%|          | 0/3 [00:00<?, ?it/s]\n"
                + "diffusion_pytorch_model-00001-of-00003.safetensors:  45%|████▌     | 4.49G/9.98G [02:10<02:39, 34.4MB/s]");

        assertThat(d.outcome()).isEqualTo("unfinished");
        assertThat(d.details()).anyMatch(s -> s.startsWith("the log stops while downloading "
                + "diffusion_pytorch_model-00001-of-00003.safetensors (45%, 4.49G of 9.98G): if the run hangs there, "
                + "it is a Xet stall"));
        assertThat(d.fix()).contains("HF_HUB_DISABLE_XET=1");
    }

    @Test
    void theSupervisorsDownloadStallNoteIsAXetStall() {
        Diagnosis d = diagnoser().fromText("xet", "diffusion_pytorch_model-00001-of-00003.safetensors:  45%|████▌     "
                + "| 4.49G/9.98G [02:10<02:39, 34.4MB/s]\n[aitk-launcher] stalled: no output and no progress for 30 min "
                + "while downloading diffusion_pytorch_model-00001-of-00003.safetensors (45%, 4.49G of 9.98G)\n");

        assertThat(d.failure()).isEqualTo(FailureKind.XET_STALLED);
        assertThat(d.whatTheLauncherDoes()).contains("fast download path off");
    }
}
