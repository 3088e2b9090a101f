package dev.aitk.launcher.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchPipelineTest {
    @TempDir
    Path home;

    private LaunchPipeline pipeline(Environment env, JobPlanner planner, ConfigCheck check) {
        return new LaunchPipeline(env, new GpuDetector(env, new ZtProcessRunner()), planner, check);
    }

    private static final ConfigCheck NO_CHECK = (config, gpus, toolkitDir) ->
            new ConfigCheck.Checked(List.of(), false, null);

    /** Two jobs, one per GPU, each with its own batch size: what a planner does for several jobs. */
    private static final JobPlanner ONE_JOB_PER_GPU = (inventory, request) -> new JobPlanner.JobPlan(
            inventory.gpus().stream().map(g -> new JobPlanner.PlannedJob("_gpu" + g.index(), List.of(g.index()),
                    List.of(Setting.plan("train.batch_size", g.index() + 1, "fits GPU " + g.index())))).toList(),
            List.of("one job per GPU"));

    @Test
    void eachPlannedJobGetsItsOwnConfigGpusAndEnvironment() throws Exception {
        Environment env = Environment.of(Map.of(), home, home);
        List<String> checked = new java.util.ArrayList<>();
        ConfigCheck check = (config, gpus, toolkitDir) -> {
            assertThat(config).exists();
            checked.add(config.getFileName().toString());
            return new ConfigCheck.Checked(List.of("warning: " + config.getFileName() + " checked"), false, null);
        };
        LaunchPreparation p = pipeline(env, ONE_JOB_PER_GPU, check).dryRun(new LaunchRequest(ByteSize.parse("80GB"), 2,
                PlanRequest.of(ModelVariant.FLEX2), null, Path.of("data"), Path.of("runs"), "mine", List.of("train.steps=10"), List.of(), null, null));
        assertThat(p.planNotes()).containsExactly("one job per GPU");
        assertThat(p.jobs()).extracting(PreparedJob::name).containsExactly("mine_gpu0", "mine_gpu1");
        assertThat(p.jobs()).extracting(PreparedJob::gpuIndices).containsExactly(List.of(0), List.of(1));
        assertThat(p.jobs().get(1).environment()).anySatisfy(v -> {
            assertThat(v.name()).isEqualTo("CUDA_VISIBLE_DEVICES");
            assertThat(v.value()).isEqualTo("1");
        });
        assertThat(checked).containsExactly("mine_gpu0.yaml", "mine_gpu1.yaml");
        assertThat(p.jobs().get(0).findings()).containsExactly("warning: mine_gpu0.yaml checked");

        assertThat(Files.readString(home.resolve("runs/mine_gpu1.yaml"))).contains("batch_size: 2 #", "name: mine_gpu1", "steps: 10 #",
                "arch: flex2", "folder_path: " + home.resolve("data"));
    }

    @Test
    void withoutANameSeveralJobsSuffixTheTemplatesName() {
        Environment env = Environment.of(Map.of(), home, home);
        LaunchPreparation p = pipeline(env, ONE_JOB_PER_GPU, NO_CHECK)
                .prepare(new LaunchRequest(ByteSize.parse("24GB"), 2, PlanRequest.of(ModelVariant.DEV), null,
                        null, null, null, List.of(), List.of(), null, null));
        assertThat(p.jobs()).extracting(PreparedJob::name)
                .containsExactly("flux_dev_inpaint_lora_gpu0", "flux_dev_inpaint_lora_gpu1");
    }

    @Test
    void onWindowsTheCommandIsQuotedForCmd() {
        Environment env = new Environment(Map.of("AITK_HOME", home.resolve("ai toolkit").toString()), "Windows 11", home, home);
        LaunchPreparation p = pipeline(env, new PlannedJobs(new Planner(MemoryModel.standard())), NO_CHECK)
                .prepare(new LaunchRequest(ByteSize.parse("24GB"), 1, PlanRequest.of(ModelVariant.DEV), null, null, Path.of("out 100%"), null,
                        List.of(), List.of(), null, "C:\\py 3\\python.exe"));
        PreparedJob job = p.jobs().get(0);
        assertThat(job.commandLine()).isEqualTo("cd /d \"" + home.resolve("ai toolkit") + "\" && \"C:\\py 3\\python.exe\" run.py \""
                + home.resolve("out 100%/flux_dev_inpaint_lora.yaml") + "\"");
        assertThat(job.command()).containsExactly("C:\\py 3\\python.exe", "run.py",
                home.resolve("out 100%/flux_dev_inpaint_lora.yaml").toString());
    }

    private LaunchPreparation launchConfigs(Environment env, Path... configs) {
        return pipeline(env, ONE_JOB_PER_GPU, NO_CHECK).prepare(new LaunchRequest(ByteSize.parse("24GB"),
                configs.length, null, null, null, null, null, List.of(), List.of(configs), null, null));
    }

    @Test
    void aConfigIsReadOnceAsRunPyReadsItForItsNameAndTrainingFolder() throws Exception {
        Path named = home.resolve("c.yaml");
        Files.writeString(named, "job: extension\nconfig:\n  name: ${RUN}\n  process:\n    - type: sd_trainer\n"
                + "      training_folder: /runs/out\n");
        Path json = home.resolve("d.json");
        Files.writeString(json, "{\"job\": \"extension\", \"config\": {\"name\": \"j\", \"process\": [{\"type\": "
                + "\"sd_trainer\", \"model\": {\"split_model_over_gpus\": true}}]}}");

        LaunchPreparation p = launchConfigs(Environment.of(Map.of("RUN", "my_lora"), home, home), named, json);

        assertThat(p.jobs()).extracting(PreparedJob::name).containsExactly("my_lora", "j");
        assertThat(p.jobs()).extracting(PreparedJob::trainingFolder)
                .as("ai-toolkit's default training_folder is output, in the toolkit folder")
                .containsExactly("/runs/out", "output");
        assertThat(p.jobs()).extracting(PreparedJob::gpuIndices).containsExactly(List.of(0), List.of(0, 1));
    }

    @Test
    void aConfigRunPyCouldNotReadKeepsItsFileNameAndValidationSaysWhy() throws Exception {
        Path broken = home.resolve("broken.yaml");
        Files.writeString(broken, "config: [unclosed\n");
        Path nameless = home.resolve("nameless.yaml");
        Files.writeString(nameless, "job: extension\nconfig:\n  process: []\n");

        LaunchPreparation p = launchConfigs(Environment.of(Map.of(), home, home), broken, nameless);

        assertThat(p.jobs()).extracting(PreparedJob::name).containsExactly("broken", "nameless");
    }
}
