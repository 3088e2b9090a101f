package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchCommandTest {
    @TempDir
    Path home;

    @Test
    void theReadmesMainJobRendersIntoOutputAndPrintsCommandAndEnvironment() throws Exception {
        CliRun.Result r = CliRun.in(home).env("HF_TOKEN", "hf_NeverPrintMe").run("launch", "--gpu-memory", "80GB", "--gpus", "2", "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path config = home.resolve("output/flux_dev_inpaint_lora.yaml");
        assertThat(config).exists();
        assertThat(Files.readString(config)).contains("training_folder: " + home.resolve("output"))
                .contains("# LoRA rank: capacity of the adapter");
        assertThat(r.out())
                .contains("GPUs: 2 (from --gpu-memory/--gpus)")
                .contains("cd '<AITK_HOME>' && '<AITK_HOME>/venv/bin/python' run.py " + config)
                .contains("CUDA_VISIBLE_DEVICES=0", "CUDA_DEVICE_ORDER=PCI_BUS_ID", "PYTHONUNBUFFERED=1", "PYTHONUTF8=1",
                        "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True", "HF_TOKEN=<set, hidden>")
                .contains("no --output: configs and checkpoints go to " + home.resolve("output"))
                .contains("no --dataset: datasets[*].folder_path keeps the template's placeholder")
                .contains("<AITK_HOME> stands for your ai-toolkit folder")
                .contains("huggingface_hub version unknown")
                .contains("error " + config + ":", "folder_path /path/to/images does not exist")
                .contains("a real launch stops on these errors (exit 3); a dry run only reports them")
                .contains("Dry run: nothing was started.");
        assertThat(r.out() + r.err() + Files.readString(config)).doesNotContain("hf_NeverPrintMe");
    }

    @Test
    void jsonCarriesTheSameDecisions() throws Exception {
        Path data = Files.createDirectories(home.resolve("my data"));
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run", "--json",
                "--model", "kontext", "--dataset", "my data", "--output", "runs", "--name", "kx",
                "--set", "train.lr=5e-5", "--set", "datasets[0].control_path=/data/masked",
                "--set", "sample.samples[*].ctrl_img=/data/masked/0001.jpg");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.at("/dryRun").asBoolean()).isTrue();
        assertThat(doc.at("/started").asBoolean()).isFalse();
        JsonNode job = doc.at("/preparation/jobs/0");
        assertThat(job.at("/name").asText()).isEqualTo("kx");
        assertThat(job.at("/template").asText()).isEqualTo("flux-kontext-inpaint");
        assertThat(job.at("/config").asText()).isEqualTo(home.resolve("runs/kx.yaml").toString());
        assertThat(job.at("/command/1").asText()).isEqualTo("run.py");
        assertThat(job.has("yaml")).isFalse();
        assertThat(job.at("/settings").toString()).contains("\"keyPath\":\"datasets[*].folder_path\"", data.toString(),
                "\"reason\":\"--set train.lr=5e-5\"", "\"origin\":\"OVERRIDE\"");
        assertThat(job.at("/notes").toString()).doesNotContain("placeholder");
        assertThat(Files.readString(home.resolve("runs/kx.yaml"))).contains("control_path: /data/masked",
                "folder_path: " + data, "lr: 5.0e-5", "arch: flux_kontext");
    }

    @Test
    void toolkitDirAndPythonAreUsedAndQuoted() throws Exception {
        Path toolkit = Files.createDirectories(home.resolve("ai toolkit"));
        Files.writeString(toolkit.resolve("run.py"), "");
        Path python = Files.createDirectories(toolkit.resolve("venv/bin")).resolve("python");
        Files.writeString(python, "");
        CliRun.Result r = CliRun.in(home).env("AITK_HOME", toolkit.toString())
                .run("launch", "--gpu-memory", "24GB", "--dry-run", "--output", "o");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("cd '" + toolkit + "' && '" + python + "' run.py " + home.resolve("o/flux_dev_inpaint_lora.yaml"))
                .doesNotContain("<AITK_HOME>");
    }

    @Test
    void anOverrideThroughAScalarIsAUsageError() {
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--set", "train.lr.x=1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --set train.lr.x=1: config.process[0].train.lr is the value '1e-4'");
        assertThat(home.resolve("output")).doesNotExist();
    }

    @Test
    void withoutAGpuAndWithoutFlagsNothingIsPlanned() {
        CliRun.Result r = CliRun.in(home).env("PATH", home.toString()).run("launch", "--dry-run");
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.err()).contains("no NVIDIA GPU was found").contains("--gpu-memory 24GB --gpus 1");
        assertThat(home.resolve("output")).doesNotExist();
    }

    @Test
    void aRealRunWithoutAiToolkitStopsBeforeAnythingIsWritten() {
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB");
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.err()).startsWith("error: ai-toolkit's location is not known; pass --toolkit-dir DIR or set AITK_HOME");
        assertThat(home.resolve("output")).doesNotExist();
    }

    @Test
    void anExistingConfigIsLaunchedAsItIs() throws Exception {
        Path config = home.resolve("mine.yaml");
        Files.writeString(config, "job: extension\nconfig:\n  name: mine_v1\n  process: []\n");
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--config", "mine.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Job mine_v1 on GPU 0").contains(config + " (used as it is)")
                .contains("run.py " + config);
        assertThat(Files.readString(config)).isEqualTo("job: extension\nconfig:\n  name: mine_v1\n  process: []\n");
        CliRun.Result missing = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--config", "nope.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml does not exist");
        CliRun.Result mixed = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--config", "mine.yaml",
                "--set", "train.lr=1e-5");
        assertThat(mixed.exitCode()).isEqualTo(2);
        assertThat(mixed.err()).contains("--config launches a config as it is");
    }

    @Test
    void badNamesAndTemplatesAreUsageErrors() {
        CliRun.Result name = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--name", "a/b");
        assertThat(name.exitCode()).isEqualTo(2);
        assertThat(name.err()).contains("'a/b' cannot be a run name");
        CliRun.Result template = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--template", "flux-fill");
        assertThat(template.exitCode()).isEqualTo(2);
        assertThat(template.err()).contains("no shipped template is called 'flux-fill'");
    }

    @Test
    void helpTeachesWithExamples() {
        CliRun.Result r = CliRun.in(home).run("launch", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("aitk-launcher launch --gpu-memory 80GB --gpus 2 --dry-run", "--set=KEY=VALUE",
                "--template=NAME|FILE");
    }

    @Test
    void thePlansChoicesGoIntoTheConfigAndUserOverridesWin() throws Exception {
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "80GB", "--gpus", "2", "--dry-run", "--json",
                "--set", "train.optimizer=adamw");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.at("/preparation/planNotes/0").asText()).startsWith("one job on GPU 0: ");
        JsonNode settings = doc.at("/preparation/jobs/0/settings");
        JsonNode planBatch = null;
        JsonNode planOptimizer = null;
        for (JsonNode s : settings) {
            if (s.at("/keyPath").asText().equals("train.batch_size")) {
                planBatch = s;
            }
            if (s.at("/keyPath").asText().equals("train.optimizer") && s.at("/origin").asText().equals("PLAN")) {
                planOptimizer = s;
            }
        }
        assertThat(planBatch).isNotNull();
        assertThat(planBatch.at("/origin").asText()).isEqualTo("PLAN");
        assertThat(planBatch.at("/reason").asText()).isNotBlank();
        assertThat(planOptimizer.at("/overriddenBy").asText()).isEqualTo("--set train.optimizer=adamw");
        String yaml = Files.readString(home.resolve("output/flux_dev_inpaint_lora.yaml"));
        assertThat(yaml).contains("batch_size: " + planBatch.at("/value").asInt() + " # images per step on each GPU (planned)")
                .contains("optimizer: adamw # 8-bit AdamW keeps optimizer state small (planned)")
                .contains("split_model_over_gpus: false");
    }

    @Test
    void pinsReachThePlanAndTheConfig() throws Exception {
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--batch-size", "1",
                "--resolution", "512", "--rank", "32");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("(pinned by a flag)");
        String yaml = Files.readString(home.resolve("output/flux_dev_inpaint_lora.yaml"));
        assertThat(yaml).contains("batch_size: 1 #", "resolution: [512] #", "linear: 32 #", "linear_alpha: 32 #");
    }

    @Test
    void severalJobsGetOneGpuAndOneConfigEach() throws Exception {
        Files.createDirectories(home.resolve("data"));
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "48GB", "--gpus", "2", "--jobs", "2",
                "--dataset", "data", "--name", "two", "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(home.resolve("output/two_gpu0.yaml")).exists();
        assertThat(home.resolve("output/two_gpu1.yaml")).exists();
        assertThat(r.out()).contains("Job two_gpu0 on GPU 0", "Job two_gpu1 on GPU 1", "CUDA_VISIBLE_DEVICES=1 ",
                "2 jobs read the same dataset folder");
    }

    @Test
    void aKontextTemplateIsPlannedAsKontextSoItIsNeverSplitOverGpus() throws Exception {
        CliRun.Result small = CliRun.in(home).run("launch", "--gpu-memory", "16GB", "--gpus", "2", "--template",
                "flux-kontext-inpaint", "--dry-run");
        assertThat(small.exitCode()).as(small.out()).isEqualTo(4);
        assertThat(small.err()).contains("flux_kontext cannot be split");
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "48GB", "--gpus", "2", "--template",
                "flux-kontext-inpaint", "--dry-run");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String yaml = Files.readString(home.resolve("output/flux_kontext_inpaint_lora.yaml"));
        assertThat(yaml).contains("arch: flux_kontext").contains("split_model_over_gpus: false")
                .contains("cache_text_embeddings: false");
        assertThat(CliRun.in(home).run("launch", "--gpu-memory", "48GB", "--model", "flex2", "--template",
                "flux-kontext-inpaint", "--dry-run").exitCode()).isEqualTo(2);
    }

    @Test
    void whenNothingFitsNothingIsWritten() {
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "8GB", "--dry-run");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).startsWith("error: ");
        assertThat(home.resolve("output")).doesNotExist();
    }

    @Test
    void existingConfigsGetOneGpuEachOrAllWhenTheySplitTheModel() throws Exception {
        Files.writeString(home.resolve("a.yaml"), "job: extension\nconfig:\n  name: a\n  process:\n    - type: sd_trainer\n");
        Files.writeString(home.resolve("b.yaml"), "job: extension\nconfig:\n  name: b\n  process:\n    - type: sd_trainer\n"
                + "      model: {split_model_over_gpus: true}\n");
        CliRun.Result two = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "2", "--dry-run",
                "--config", "a.yaml", "--config", "a.yaml");
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(two.out()).contains("Job a on GPU 0", "Job a on GPU 1", "no planning: --config files run as they are");
        CliRun.Result split = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "2", "--dry-run",
                "--config", "b.yaml");
        assertThat(split.out()).contains("Job b on GPU 0,1", "CUDA_VISIBLE_DEVICES=0,1 ");
    }

    @Test
    void relativeFoldersInOverridesAreMadeAbsoluteWhenTheyExist() throws Exception {
        Path masked = Files.createDirectories(home.resolve("data/masked"));
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--dry-run", "--model", "kontext",
                "--set", "datasets[0].control_path=data/masked", "--set", "datasets[0].mask_path=nowhere");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String yaml = Files.readString(home.resolve("output/flux_kontext_inpaint_lora.yaml"));
        assertThat(yaml).contains("control_path: " + masked, "mask_path: nowhere");
        assertThat(r.out()).contains("(made absolute: run.py runs in the ai-toolkit folder)")
                .contains("datasets[0].mask_path=nowhere is relative and " + home.resolve("nowhere") + " does not exist");
    }
}
