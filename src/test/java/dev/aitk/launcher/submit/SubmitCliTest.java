package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.hub.FakeHub;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** {@code submit} end to end in-process, against Slurm tools faked on PATH (the real Slurm: SlurmSubmitIT). */
class SubmitCliTest {
    @TempDir
    Path tmp;
    FakeSlurm slurm;
    Path launcher;
    Path out;

    @BeforeEach
    void setUp() throws Exception {
        slurm = new FakeSlurm(tmp);
        launcher = Scripts.recordingLauncher(tmp.resolve("launcher"), tmp.resolve("argv"));
        out = tmp.resolve("loras $out");
    }

    @Test
    void threeConfigsBecomeOnePrefetchJobAndAnArrayThatWaitsForIt() throws Exception {
        List<Path> configs = List.of(config("a", "black-forest-labs/FLUX.1-dev"), config("b", "black-forest-labs/FLUX.1-dev"),
                config("a", "black-forest-labs/FLUX.1-dev"));

        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array", configs.get(0).toString(),
                configs.get(1).toString(), configs.get(2).toString(), "--partition", "gpu", "--time", "02:00:00",
                "--launcher", launcher.toString(), "--hf-home", tmp.resolve("hf").toString()));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Submitted 3 tasks as Slurm job array 101 after prefetch job 100 (black-forest-labs/FLUX.1-dev).")
                .contains("note: no plan preview: pass --gpu-memory SIZE");
        Path dir = onlySubmissionDir();
        List<FakeSlurm.Call> sbatch = slurm.calls("sbatch");
        assertThat(sbatch).extracting(FakeSlurm.Call::cwd).containsOnly(dir.toString());
        assertThat(sbatch).extracting(FakeSlurm.Call::args).containsExactly(
                List.of("--parsable", "prefetch-1.sbatch"),
                List.of("--parsable", "--dependency=afterok:100", "array.sbatch"));
        assertThat(dir.resolve("logs")).isDirectory();

        JsonNode record = Json.mapper().readTree(dir.resolve("submission.json").toFile());
        assertThat(record.path("arrayJobId").asText()).isEqualTo("101");
        assertThat(record.path("prefetchJobs").get(0).path("jobId").asText()).isEqualTo("100");
        assertThat(record.path("tasks")).hasSize(3);
        // Two configs named "a": the second gets its index so the runs never share a checkpoint folder.
        assertThat(record.path("tasks").findValuesAsText("name")).containsExactly("a", "b", "a-2");
        assertThat(record.path("tasks").get(2).path("runDir").asText()).isEqualTo(out.resolve("a-2").toString());

        Map<String, Object> rendered = new Yaml().load(Files.readString(dir.resolve("configs/task-002.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) rendered.get("config");
        assertThat(config.get("name")).isEqualTo("a-2");
        @SuppressWarnings("unchecked")
        Map<String, Object> process = ((List<Map<String, Object>>) config.get("process")).get(0);
        assertThat(process.get("training_folder")).isEqualTo(out.toString());
        assertThat(process.get("network")).isEqualTo(Map.of("type", "lora", "linear", 16));
    }

    @Test
    void twoModelsGetAPrefetchJobEachAndTheArrayWaitsForBoth() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array",
                config("a", "black-forest-labs/FLUX.1-dev").toString(), config("k", "black-forest-labs/FLUX.1-Kontext-dev").toString(),
                "--launcher", launcher.toString(), "--dataset", Files.createDirectories(tmp.resolve("data set")).toString()));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(slurm.calls("sbatch").get(2).args()).contains("--dependency=afterok:100:101");
        assertThat(Files.readString(onlySubmissionDir().resolve("configs/task-001.yaml")))
                .contains("folder_path: " + tmp.resolve("data set"));
    }

    @Test
    void aSweepIsOneTaskPerCombinationWithTheValuesInItsConfigAndName() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array", config("base", "m/x").toString(),
                "--sweep", "train.lr=1e-4,5e-5", "--sweep", "network.linear=16,32", "--sweep", "datasets[*].resolution=768",
                "--launcher", launcher.toString(), "--json"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode tasks = Json.mapper().readTree(r.out()).path("tasks");
        assertThat(tasks.findValuesAsText("name")).containsExactly("base-lr1e-4-linear16-resolution768",
                "base-lr1e-4-linear32-resolution768", "base-lr5e-5-linear16-resolution768", "base-lr5e-5-linear32-resolution768");
        assertThat(tasks.get(3).path("settings").toString())
                .isEqualTo("[\"train.lr=5e-5\",\"network.linear=32\",\"datasets[*].resolution=768\"]");
        Map<String, Object> rendered = new Yaml().load(Files.readString(Path.of(tasks.get(3).path("config").asText())));
        @SuppressWarnings("unchecked")
        Map<String, Object> process = ((List<Map<String, Object>>) ((Map<String, Object>) rendered.get("config")).get("process")).get(0);
        assertThat(process.get("network")).isEqualTo(Map.of("type", "lora", "linear", 32));
        // 5e-5 is written 5.0e-5: a float to PyYAML too (it needs the dot and the signed exponent).
        assertThat(process.get("train")).isEqualTo(Map.of("lr", 5.0E-5));
        assertThat(Files.readString(Path.of(tasks.get(3).path("config").asText()))).contains("lr: 5.0e-5");
        assertThat(process.get("datasets")).isEqualTo(List.of(Map.of("folder_path", "/data/images", "resolution", 768)));
        assertThat(slurm.calls("sbatch").get(1).args()).containsExactly("--parsable", "--dependency=afterok:100", "array.sbatch");
        assertThat(Files.readString(Path.of(Json.mapper().readTree(r.out()).path("arrayScript").asText())))
                .contains("#SBATCH --array=0-3\n");
    }

    @Test
    void sweepMistakesAreNamed() throws Exception {
        Path good = config("a", "m/x");
        assertError(2, "--sweep 'train.lr' is not key=v1,v2,...", "--array", good.toString(), "--sweep", "train.lr");
        assertError(2, "lists '16' twice", "--array", good.toString(), "--sweep", "network.linear=16,16");
        assertError(2, "'train..lr' is not a key path", "--array", good.toString(), "--sweep", "train..lr=1");
        assertError(2, "--sweep datasets[3].resolution=512: config.process[0].datasets has 1 entry, so [3] does not exist",
                "--array", good.toString(),
                "--sweep", "datasets[3].resolution=512");
        assertError(2, "--sweep network.linear.x=1: config.process[0].network.linear is the value '16'", "--array", good.toString(),
                "--sweep", "network.linear.x=1");
    }

    @Test
    void aMisspelledSweepKeyIsCreatedAndSaidSo() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array", config("a", "m/x").toString(),
                "--sweep", "trian.lr=1e-4,5e-5", "--launcher", launcher.toString(), "--dry-run"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("config.process[0].trian was not in the template; created it for --sweep trian.lr=5e-5");
    }

    @Test
    void argumentsAfterDoubleDashGoToLaunchOnTheNodesEvenWhenTheyAreSubmitOptions() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array", config("a", "m/x").toString(),
                "--launcher", launcher.toString(), "--dry-run", "--", "--gpu-memory", "80GB", "--dry-run"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(onlySubmissionDir().resolve("array.sbatch")))
                .contains(" launch --config \"${configs[$task]}\" --gpu-memory 80GB --dry-run\n");
    }

    @Test
    void dryRunWritesScriptsAndRecordButSubmitsNothing() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array", config("a", "m/x").toString(),
                "--launcher", tmp.resolve("not/there").toString(), "--dry-run", "--json"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(slurm.calls()).isEmpty();
        JsonNode json = Json.mapper().readTree(r.out());
        assertThat(json.path("dryRun").asBoolean()).isTrue();
        assertThat(json.has("arrayJobId")).isFalse();
        Path dir = onlySubmissionDir();
        for (String script : List.of("array.sbatch", "prefetch-1.sbatch", "submit.sh")) {
            assertThat(dir.resolve(script)).isExecutable();
            Scripts.assertShellcheckClean(dir.resolve(script));
        }
    }

    @Test
    void gpuMemoryShowsThePlannersPreviewPerModelAndRecordsIt() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array",
                config("a", "black-forest-labs/FLUX.1-dev").toString(), config("b", "someone/own-flux").toString(),
                "--launcher", launcher.toString(), "--gpu-memory", "80GB", "--dry-run"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("Plan preview \\(each node plans again from its own GPUs\\): "
                        + "black-forest-labs/FLUX\\.1-dev on 1 x 80\\.0 GiB: peak \\d+\\.\\d GiB, \\d+\\.\\d\\d s/step")
                .contains("train.batch_size=")
                .contains("someone/own-flux: no preview: the planner knows black-forest-labs/FLUX.1-dev");
        JsonNode previews = Json.mapper().readTree(onlySubmissionDir().resolve("submission.json").toFile()).path("previews");
        assertThat(previews).hasSize(2);
        assertThat(previews.get(0).path("peakGib").asDouble()).isBetween(24.0, 80.0);
    }

    @Test
    void aGpuThatFitsNothingStopsTheSubmissionWithExitFourAndLeavesNoFolder() throws Exception {
        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array",
                config("a", "black-forest-labs/FLUX.1-dev").toString(), "--launcher", launcher.toString(),
                "--gpu-memory", "8GB"));

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).startsWith("error: nothing fits a GPU with 8.0 GiB");
        assertThat(slurm.calls()).isEmpty();
        try (Stream<Path> left = Files.list(out.resolve("slurm"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aGatedModelWithoutTokenIsRefusedBeforeAnythingIsQueued() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.repo("black-forest-labs/FLUX.1-dev").file("model_index.json", "{}").gated("hf_right");
            CliRun.Result r = cli().env("HF_HUB_OFFLINE", null).env("HF_ENDPOINT", hub.endpoint())
                    .run(args("submit", "--output", out.toString(), "--array",
                            config("a", "black-forest-labs/FLUX.1-dev").toString(), "--launcher", launcher.toString()));

            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(5);
            assertThat(r.err()).startsWith("error: ").contains("black-forest-labs/FLUX.1-dev");
            assertThat(slurm.calls()).isEmpty();
            try (Stream<Path> left = Files.list(out.resolve("slurm"))) {
                assertThat(left).isEmpty();
            }

            CliRun.Result withToken = cli().env("HF_HUB_OFFLINE", null).env("HF_ENDPOINT", hub.endpoint())
                    .env("HF_TOKEN", "hf_right").run(args("submit", "--output", out.toString(), "--array",
                            config("a", "black-forest-labs/FLUX.1-dev").toString(), "--launcher", launcher.toString()));
            assertThat(withToken.exitCode()).as(withToken.err()).isZero();
            assertThat(slurm.calls("sbatch")).hasSize(2);
        }
    }

    @Test
    void theTokenInTheEnvironmentNeverReachesAnyWrittenFile() throws Exception {
        String token = "hf_SeCrEtToKeN1234567890";
        CliRun.Result r = cli().env("HF_TOKEN", token).run(args("submit", "--output", out.toString(), "--array",
                config("a", "m/x").toString(), "--launcher", launcher.toString()));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out() + r.err()).doesNotContain(token);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(token);
            }
        }
    }

    @Test
    void aRefusedArrayCancelsThePrefetchJobItAlreadyQueued() throws Exception {
        slurm.failSbatchFrom(101);

        CliRun.Result r = cli().run(args("submit", "--output", out.toString(), "--array", config("a", "m/x").toString(),
                "--launcher", launcher.toString(), "--partition", "nope"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: sbatch refused ").contains("array.sbatch")
                .contains("Invalid partition name specified");
        assertThat(slurm.calls("scancel")).extracting(FakeSlurm.Call::args).containsExactly(List.of("100"));
        try (Stream<Path> left = Files.list(out.resolve("slurm"))) {
            assertThat(left).as("no half-made submission left").isEmpty();
        }
    }

    @Test
    void withoutSbatchOnPathTheUserLearnsWhereToRunIt() throws Exception {
        CliRun.Result r = cli().env("PATH", Files.createDirectories(tmp.resolve("empty-bin")).toString())
                .run(args("submit", "--output", out.toString(), "--array", config("a", "m/x").toString(),
                        "--launcher", launcher.toString()));

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.err()).contains("sbatch was not found on PATH").contains("--dry-run");
    }

    @Test
    void badInputsGetOneSentenceAndTheirExitCode() throws Exception {
        Path good = config("a", "m/x");
        Path noModel = tmp.resolve("no-model.yaml");
        Files.writeString(noModel, "job: extension\nconfig:\n  name: x\n  process:\n    - type: sd_trainer\n");
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "job: extension\nconfig: [\n");

        assertError(2, "--time '12h' is not a Slurm time limit", "--array", good.toString(), "--time", "12h");
        assertError(2, "--partition 'gpu;rm' is not a Slurm partition name", "--array", good.toString(), "--partition", "gpu;rm");
        assertError(2, "nothing to submit");
        assertError(3, noModel + ": config.process[0].model.name_or_path is missing", "--array", noModel.toString());
        assertError(3, broken + ":3: not valid YAML", "--array", broken.toString());
        assertError(3, "cannot read the config " + tmp.resolve("missing.yaml"), "--array", tmp.resolve("missing.yaml").toString());
        assertError(3, "contains a line break", "--array", good.toString(), "--hf-home", tmp.resolve("a\nb").toString());
        assertError(3, "the launch argument '--set=x\\ny' contains a line break", "--array", good.toString(), "--", "--set=x\ny");
        assertError(2, "--sbatch-arg 'account' is not an sbatch option", "--array", good.toString(), "--sbatch-arg", "account");
        assertError(2, "the arguments after -- are for 'launch --config <task>' on the nodes, and launch refuses them: "
                + "--config launches a config as it is, so --steps, --dataset do not apply", "--array", good.toString(),
                "--", "--steps", "100", "--dataset", "d");
        assertError(2, "launch refuses them: Unknown options: '--gpu-memroy'", "--array", good.toString(), "--", "--gpu-memroy", "80GB");
        assertError(2, "--config after -- is not needed", "--array", good.toString(), "--", "--config", "x.yaml");
        assertThat(slurm.calls("sbatch")).isEmpty();
    }

    private void assertError(int code, String message, String... extra) {
        List<String> all = new java.util.ArrayList<>(List.of("submit", "--output", out.toString(), "--launcher", launcher.toString()));
        all.addAll(List.of(extra));
        CliRun.Result r = cli().run(all.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).startsWith("error: ").contains(message);
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    /** Offline by default: the model access check is tested against a fake Hub on loopback, below. */
    private CliRun cli() {
        return CliRun.in(tmp).env("PATH", slurm.path()).env("HF_HUB_OFFLINE", "1");
    }

    private static String[] args(String... args) {
        return args;
    }

    private Path config(String name, String model) throws Exception {
        Path file = Files.createDirectories(tmp.resolve("configs")).resolve(name + "-" + Math.abs(model.hashCode()) + "-"
                + System.nanoTime() + ".yaml");
        Files.writeString(file, """
                job: extension
                config:
                  name: %s
                  process:
                    - type: sd_trainer
                      training_folder: output
                      network: {type: lora, linear: 16}
                      datasets:
                        - folder_path: /data/images
                      model:
                        name_or_path: %s
                """.formatted(name, model));
        return file;
    }

    private Path onlySubmissionDir() throws Exception {
        try (Stream<Path> dirs = Files.list(out.resolve("slurm"))) {
            List<Path> all = dirs.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }
}
