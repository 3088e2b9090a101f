package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchScriptsTest {
    /** Every character a shell or Slurm could trip on, in one folder name. */
    static final String HOSTILE = "it's a $HOME `id` $(touch pwned) \"dir\" ; & | * ~ ü";

    @TempDir
    Path tmp;

    @Test
    void arrayTaskRunsTheLauncherWithExactlyItsOwnConfigAndEveryPathIntact() throws Exception {
        Path base = Files.createDirectories(tmp.resolve(HOSTILE));
        Path record = base.resolve("argv");
        NodeOptions node = new NodeOptions(Scripts.recordingLauncher(base.resolve("bin dir"), record),
                base.resolve("ai-toolkit"), base.resolve("venv/bin/python"), base.resolve("hf cache"),
                List.of("--gpu-memory", "80GB", "--set", "train.lr=1e-4 $x"));
        List<TaskSpec> tasks = List.of(task(base, 0), task(base, 1), task(base, 2));
        Path script = write(base, "array.sbatch", BatchScripts.arrayScript("aitk-x", tasks,
                new SlurmOptions("gpu", "12:00:00", 2, null, List.of()), node));

        Scripts.assertShellcheckClean(script);
        Scripts.Run run = Scripts.bash(script, base, Map.of("SLURM_ARRAY_TASK_ID", "1"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Scripts.recordedArgs(record)).containsExactly("launch", "--config", tasks.get(1).config().toString(),
                "--toolkit-dir", base.resolve("ai-toolkit").toString(),
                "--python", base.resolve("venv/bin/python").toString(), "--gpu-memory", "80GB", "--set", "train.lr=1e-4 $x");
        assertThat(Files.readString(Path.of(record + ".env"))).isEqualTo("HF_HOME=" + base.resolve("hf cache"));
        assertThat(base.resolve("pwned")).doesNotExist();
        assertThat(tmp.resolve("pwned")).doesNotExist();
    }

    @Test
    void directivesAskForTheArrayGpusPartitionTimeAndACleanStopBeforeTheLimit() {
        String script = BatchScripts.arrayScript("aitk-x", List.of(task(tmp, 0), task(tmp, 1), task(tmp, 2)),
                new SlurmOptions("gpu,gpu-long", "1-12:00:00", 2, 2, List.of()),
                new NodeOptions(tmp.resolve("l"), null, null, null, List.of()));

        assertThat(script.lines().filter(l -> l.startsWith("#SBATCH")).toList()).containsExactly(
                "#SBATCH --job-name=aitk-x",
                "#SBATCH --array=0-2%2",
                "#SBATCH --gres=gpu:2",
                "#SBATCH --partition=gpu,gpu-long",
                "#SBATCH --time=1-12:00:00",
                "#SBATCH --signal=B:TERM@120",
                "#SBATCH --export=ALL",
                "#SBATCH --open-mode=append",
                "#SBATCH --output=logs/%x-%A_%a.out",
                "#SBATCH --kill-on-invalid-dep=yes");
        assertThat(script).doesNotContain("HF_HOME").doesNotContain("--toolkit-dir");
    }

    @Test
    void aTaskIdBeyondTheConfigsAndAMissingTaskIdStopWithAMessage() throws Exception {
        Path record = tmp.resolve("argv");
        Path script = write(tmp, "array.sbatch", BatchScripts.arrayScript("aitk-x", List.of(task(tmp, 0)),
                SlurmOptions.defaults(),
                new NodeOptions(Scripts.recordingLauncher(tmp.resolve("bin"), record), null, null, null, List.of())));

        Scripts.Run beyond = Scripts.bash(script, tmp, Map.of("SLURM_ARRAY_TASK_ID", "1"));
        assertThat(beyond.exitCode()).isEqualTo(2);
        assertThat(beyond.output()).contains("array task 1 has no config (this array has 1)");

        Scripts.Run outside = Scripts.bash(script, tmp, Map.of());
        assertThat(outside.exitCode()).isNotZero();
        assertThat(outside.output()).contains("submit this script with sbatch");
        assertThat(record).doesNotExist();
    }

    @Test
    void prefetchJobRunsThePrefetchOfTheTaskConfigOnTheSharedCache() throws Exception {
        Path base = Files.createDirectories(tmp.resolve(HOSTILE));
        Path record = base.resolve("argv");
        TaskSpec first = task(base, 0);
        Path script = write(base, "prefetch-1.sbatch", BatchScripts.prefetchScript("aitk-x-prefetch", first,
                new SlurmOptions("cpu", "01:00:00", 1, null, List.of()),
                new NodeOptions(Scripts.recordingLauncher(base.resolve("bin"), record), null, null, base.resolve("hf"), List.of())));

        Scripts.assertShellcheckClean(script);
        assertThat(script).content().doesNotContain("--gres").doesNotContain("--time").contains("#SBATCH --partition=cpu");
        Scripts.Run run = Scripts.bash(script, base, Map.of());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Scripts.recordedArgs(record)).containsExactly("prefetch", first.config().toString());
        assertThat(Files.readString(Path.of(record + ".env"))).isEqualTo("HF_HOME=" + base.resolve("hf"));
    }

    @Test
    void submitScriptQueuesPrefetchJobsFirstAndTheArrayAfterAllOfThem() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(HOSTILE));
        FakeSlurm slurm = new FakeSlurm(tmp);
        Path script = write(dir, "submit.sh", BatchScripts.submitScript(dir, 2,
                new SlurmOptions(null, null, 1, null, List.of("--account=lab 1", "--qos=high"))));

        Scripts.assertShellcheckClean(script);
        Scripts.Run run = Scripts.bash(script, tmp, Map.of("PATH", slurm.path()));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output().strip()).isEqualTo("102");
        List<FakeSlurm.Call> calls = slurm.calls("sbatch");
        assertThat(calls).extracting(FakeSlurm.Call::cwd).containsOnly(dir.toString());
        assertThat(calls).extracting(FakeSlurm.Call::args).containsExactly(
                List.of("--parsable", "--account=lab 1", "--qos=high", "prefetch-1.sbatch"),
                List.of("--parsable", "--account=lab 1", "--qos=high", "prefetch-2.sbatch"),
                List.of("--parsable", "--account=lab 1", "--qos=high", "--dependency=afterok:100:101", "array.sbatch"));
    }

    private static TaskSpec task(Path base, int i) {
        return new TaskSpec(i, "run-" + i, base.resolve("configs/task " + i + ".yaml"), base.resolve("out/run-" + i),
                "black-forest-labs/FLUX.1-dev", List.of());
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
