package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import dev.aitk.launcher.hub.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit, status and cancel against a real Slurm (src/test/slurm/start-slurm.sh starts a one-node cluster;
 * .ci/run does that before the build). Skips with a message where no cluster answers.
 *
 * <p>The prefetch job runs the real launcher's {@code prefetch} (target/aitk-launcher.jar, hence verify) against
 * a fake Hub on 127.0.0.1 ({@code HF_ENDPOINT} reaches the job through {@code --export=ALL}). The array tasks
 * run a stand-in for {@code launch}, generated below: it runs a stand-in of ai-toolkit's run.py (which writes
 * the checkpoint files) and writes {@code run.json}.
 */
class SlurmSubmitIT {
    private static final Duration FINISH_WITHIN = Duration.ofSeconds(180);

    @TempDir
    Path tmp;
    FakeHub hub;
    Path base;
    Path launcher;
    Path toolkit;
    Path hfHome;
    Path out;

    @BeforeAll
    static void clusterAnswers() throws Exception {
        assumeTrue(Scripts.onPath("sbatch") && Scripts.onPath("sinfo"),
                "no Slurm client tools on PATH; run src/test/slurm/start-slurm.sh as root (CI's .ci/run does)");
        Process p = new ProcessBuilder("sinfo", "--noheader", "--format=%T").redirectErrorStream(true).start();
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        String states = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!done) {
            p.destroyForcibly();
        }
        assumeTrue(done && p.exitValue() == 0 && states.matches("(?s).*\\b(idle|mixed|allocated)\\b.*"),
                "the Slurm cluster does not answer with a usable node (sinfo: '" + states
                        + "'); run src/test/slurm/start-slurm.sh as root");
        assumeTrue(Scripts.onPath("python3"), "python3 is needed by the stand-in launcher");
    }

    @BeforeEach
    void standIns() throws Exception {
        // A hostile folder name proves the quoting against the real sbatch and slurmd, not only bash.
        base = Files.createDirectories(tmp.resolve("it's a $HOME `id` dir"));
        String python = pythonWithYaml();
        Path realLauncher = Path.of("launchers", "aitk-launcher").toAbsolutePath();
        assumeTrue(Files.isRegularFile(Path.of("target", "aitk-launcher.jar")),
                "target/aitk-launcher.jar is built in package; run this test with mvn verify");
        launcher = executable(base.resolve("bin/aitk-launcher"), "#!" + python + "\n"
                + "REAL_LAUNCHER = " + pythonString(realLauncher.toString()) + "\n" + STAND_IN_LAUNCHER);
        toolkit = Files.createDirectories(base.resolve("ai-toolkit"));
        Files.writeString(toolkit.resolve("run.py"), STAND_IN_RUN_PY);
        hfHome = base.resolve("hf");
        out = base.resolve("loras");
        hub = new FakeHub();
        FakeHub.Repo repo = hub.repo("black-forest-labs/FLUX.1-dev")
                .file("model_index.json", "{\"_class_name\": \"FluxPipeline\", \"transformer\": [\"diffusers\", "
                        + "\"FluxTransformer2DModel\"], \"vae\": [\"diffusers\", \"AutoencoderKL\"]}")
                .file("flux1-dev.safetensors", FakeHub.Content.synthetic(300_000, 1))
                .file("transformer/config.json", "{\"_class_name\": \"FluxTransformer2DModel\"}")
                .file("transformer/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(200_000, 2))
                .file("vae/config.json", "{\"_class_name\": \"AutoencoderKL\"}")
                .file("vae/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(50_000, 3));
        assertThat(repo.commit()).isNotEmpty();
    }

    @AfterEach
    void stopHub() throws IOException {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aThreeTaskArrayRunsAfterItsPrefetchAndEveryTaskFinishesWithItsRunRecord() throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", "--output", out.toString(), "--array"));
        for (String name : List.of("alpha", "beta", "gamma")) {
            args.add(config(name).toString());
        }
        args.addAll(List.of("--launcher", launcher.toString(), "--toolkit-dir", toolkit.toString(),
                "--hf-home", hfHome.toString(), "--time", "00:05:00", "--json"));

        CliRun.Result submitted = cli().run(args.toArray(String[]::new));

        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        JsonNode submission = Json.mapper().readTree(submitted.out());
        assertThat(submission.path("arrayJobId").asText()).matches("\\d+");

        JsonNode status = waitForStatus(s -> s.path("allFinished").asBoolean(), FINISH_WITHIN);
        JsonNode only = status.path("submissions").get(0);
        assertThat(only.path("prefetchJobs").get(0).path("state").asText()).isEqualTo("COMPLETED");
        assertThat(Files.readString(Path.of(only.path("prefetchLogs").get(0).asText()))).as("the prefetch job's output")
                .contains("black-forest-labs/FLUX.1-dev");
        JsonNode tasks = only.path("tasks");
        assertThat(tasks).hasSize(3);
        for (JsonNode task : tasks) {
            String name = task.path("name").asText();
            assertThat(task.path("scheduler").path("state").asText()).as(name + ": " + task).isEqualTo("COMPLETED");
            assertThat(task.path("run").path("state").asText()).as(name).isEqualTo("succeeded");
            assertThat(task.path("run").path("stepsDone").asLong()).isEqualTo(10);
            assertThat(Path.of(task.path("run").path("finalCheckpoint").asText())).isRegularFile()
                    .isEqualTo(out.resolve(name).resolve(name + ".safetensors"));
            assertThat(out.resolve(name).resolve(name + "_000000010.safetensors")).isRegularFile();
            assertThat(Path.of(task.path("log").asText())).as("Slurm's output of " + name).isRegularFile();
            JsonNode record = Json.mapper().readTree(out.resolve(name).resolve("run.json").toFile());
            assertThat(record.path("cacheWarmAtStart").asBoolean()).as("prefetch finished before " + name).isTrue();
        }
        // Once per model, not per task: each file of the repo was sent exactly once, the root checkpoint never.
        assertThat(hub.bytesSent("transformer/diffusion_pytorch_model.safetensors")).isEqualTo(200_000);
        assertThat(hub.bytesSent("vae/diffusion_pytorch_model.safetensors")).isEqualTo(50_000);
        assertThat(hub.bytesSent("flux1-dev.safetensors")).isZero();

        CliRun.Result human = cli().run("status", "--output", out.toString());
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("task 2  gamma").contains("COMPLETED").contains("run: succeeded, step 10/10")
                .contains("All finished.");
        assertThat(cli().run("status", "--output", out.toString(), "--wait").exitCode()).as("every job completed").isZero();
    }

    @Test
    void theRealLauncherAcceptsTheGeneratedLaunchCommandOnTheNode() throws Exception {
        // launch runs ai-toolkit only in a later build; its --dry-run already parses the command, reads the task
        // config and resolves the toolkit on the node, which is what the generated script must get right.
        List<String> args = new ArrayList<>(List.of("submit", "--output", out.toString(), "--array"));
        for (String name : List.of("one", "two", "three")) {
            args.add(config(name).toString());
        }
        args.addAll(List.of("--toolkit-dir", toolkit.toString(), "--no-prefetch", "--json", "--", "--gpu-memory", "80GB",
                "--dry-run"));

        CliRun.Result submitted = cli().run(args.toArray(String[]::new));

        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        JsonNode status = waitForStatus(s -> s.path("allFinished").asBoolean(), FINISH_WITHIN);
        for (JsonNode task : status.path("submissions").get(0).path("tasks")) {
            String log = Files.readString(Path.of(task.path("log").asText()));
            assertThat(task.path("scheduler").path("state").asText()).as(log).isEqualTo("COMPLETED");
            assertThat(log).contains("Job " + task.path("name").asText() + " on GPU 0")
                    .contains("Dry run: nothing was started.");
        }
    }

    @Test
    void cancelStopsARunningArrayAndStatusShowsItCancelled() throws Exception {
        CliRun.Result submitted = cli().env("STAND_IN_SLEEP_SECONDS", "600").run("submit", "--output", out.toString(),
                "--array", config("slow").toString(), "--launcher", launcher.toString(), "--toolkit-dir",
                toolkit.toString(), "--no-prefetch", "--json");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        waitForStatus(s -> taskState(s).equals("RUNNING"), Duration.ofSeconds(60));

        CliRun.Result cancelled = cli().run("cancel", "--output", out.toString());

        assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
        assertThat(cancelled.out()).contains("Cancelled " + Json.mapper().readTree(submitted.out()).path("arrayJobId").asText());
        JsonNode status = waitForStatus(s -> s.path("allFinished").asBoolean(), Duration.ofSeconds(60));
        assertThat(taskState(status)).isEqualTo("CANCELLED");
        assertThat(out.resolve("slow/slow.safetensors")).doesNotExist();
    }

    private static String taskState(JsonNode status) {
        return status.path("submissions").get(0).path("tasks").get(0).path("scheduler").path("state").asText();
    }

    private JsonNode waitForStatus(Predicate<JsonNode> done, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            CliRun.Result r = cli().run("status", "--output", out.toString(), "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            last = Json.mapper().readTree(r.out());
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("not done within " + limit.toSeconds() + " s; last status: " + last
                + "\njob logs: " + logs());
    }

    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        Path slurmDir = out.resolve("slurm");
        if (Files.isDirectory(slurmDir)) {
            try (var files = Files.walk(slurmDir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".out")).toList()) {
                    b.append("\n--- ").append(f).append('\n').append(Files.readString(f));
                }
            }
        }
        return b.toString();
    }

    private CliRun cli() {
        return CliRun.in(tmp).env("HF_ENDPOINT", hub.endpoint());
    }

    private Path config(String name) throws IOException {
        Path file = Files.createDirectories(base.resolve("configs")).resolve(name + ".yaml");
        Files.writeString(file, """
                job: extension
                config:
                  name: %s
                  process:
                    - type: sd_trainer
                      training_folder: output
                      network: {type: lora, linear: 16, linear_alpha: 16}
                      save: {dtype: float16, save_every: 10}
                      datasets:
                        - folder_path: /data/images
                      train: {batch_size: 1, steps: 10}
                      model:
                        name_or_path: black-forest-labs/FLUX.1-dev
                """.formatted(name));
        return file;
    }

    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** The absolute interpreter (a pyenv shim would need the user's HOME, which jobs here do not have). */
    private static String pythonWithYaml() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sys, yaml; print(sys.executable)").redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(p.waitFor() == 0, "python3 with PyYAML is needed by the stand-in launcher (pip install pyyaml): " + outText);
        return outText.lines().reduce((a, b) -> b).orElseThrow();
    }

    private static final String STAND_IN_LAUNCHER = """
            # Stand-in for aitk-launcher on the node: 'prefetch' is the real launcher's; 'launch' runs the
            # toolkit's run.py on the task's config and writes run.json beside the checkpoints.
            import glob, json, os, subprocess, sys, yaml
            command, rest = sys.argv[1], sys.argv[2:]
            if command == 'prefetch':
                os.execv(REAL_LAUNCHER, [REAL_LAUNCHER, 'prefetch'] + rest)
            opts = dict(zip(rest[0::2], rest[1::2]))
            with open(opts['--config']) as f:
                doc = yaml.safe_load(f)
            hf_home = os.environ.get('HF_HOME', '')
            name = doc['config']['name']
            run_dir = os.path.join(doc['config']['process'][0]['training_folder'], name)
            os.makedirs(run_dir, exist_ok=True)
            snapshot = os.path.join(hf_home, 'hub', 'models--black-forest-labs--FLUX.1-dev', 'snapshots', '*')
            warm = bool(glob.glob(os.path.join(snapshot, 'transformer', 'diffusion_pytorch_model.safetensors')))
            code = subprocess.call([sys.executable, os.path.join(opts['--toolkit-dir'], 'run.py'), opts['--config']])
            final = os.path.join(run_dir, name + '.safetensors')
            record = {'status': 'succeeded' if code == 0 and os.path.exists(final) else 'failed', 'stepsDone': 10,
                      'totalSteps': 10, 'finalCheckpoint': final, 'cacheWarmAtStart': warm,
                      'arrayTask': os.environ.get('SLURM_ARRAY_TASK_ID'), 'output': opts.get('--output')}
            with open(os.path.join(run_dir, 'run.json.tmp'), 'w') as f:
                json.dump(record, f)
            os.replace(os.path.join(run_dir, 'run.json.tmp'), os.path.join(run_dir, 'run.json'))
            sys.exit(0 if code == 0 else 6)
            """;

    private static final String STAND_IN_RUN_PY = """
            # Stand-in for ai-toolkit's run.py: reads the config, prints progress, writes the checkpoints.
            import os, sys, time, yaml
            with open(sys.argv[1]) as f:
                doc = yaml.safe_load(f)
            name = doc['config']['name']
            process = doc['config']['process'][0]
            run_dir = os.path.join(process['training_folder'], name)
            os.makedirs(run_dir, exist_ok=True)
            time.sleep(float(os.environ.get('STAND_IN_SLEEP_SECONDS', '0')))
            steps = process['train']['steps']
            for step in range(1, steps + 1):
                sys.stderr.write('\\r%s: %d/%d' % (name, step, steps))
            open(os.path.join(run_dir, '%s_%09d.safetensors' % (name, steps)), 'wb').close()
            open(os.path.join(run_dir, name + '.safetensors'), 'wb').close()
            print('Saved checkpoint to ' + run_dir)
            """;
}
