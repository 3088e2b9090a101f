package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.cli.PlantedSecrets;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import dev.aitk.launcher.hub.FakeHub;
import dev.aitk.launcher.supervise.FakeToolkit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit, status and cancel against a real Slurm (src/test/slurm/start-slurm.sh starts a one-node cluster;
 * .ci/run does that before the build). Skips with a message where no cluster answers.
 *
 * <p>Every job runs the real launcher (launchers/aitk-launcher over target/aitk-launcher.jar, hence verify): the
 * prefetch job's {@code prefetch} fills the shared cache from a fake Hub on 127.0.0.1 ({@code HF_ENDPOINT} reaches
 * the jobs through {@code --export=ALL}); each array task's {@code launch --config} finds that cache complete, runs
 * the run.py test double (src/test/resources/fake-aitk/run.py) supervised with HF_HUB_OFFLINE=1, and writes
 * {@code run.json}, which {@code status} reads back.
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
    String python;

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
        assumeTrue(Scripts.onPath("python3"), "python3 is needed by the run.py test double");
    }

    @BeforeEach
    void toolkitAndHub() throws Exception {
        // A hostile folder name proves the quoting against the real sbatch and slurmd, not only bash.
        base = Files.createDirectories(tmp.resolve("it's a $HOME `id` dir"));
        assumeTrue(Files.isRegularFile(Path.of("target", "aitk-launcher.jar")),
                "target/aitk-launcher.jar is built in package; run this test with mvn verify");
        launcher = Path.of("launchers", "aitk-launcher").toAbsolutePath();
        toolkit = FakeToolkit.in(base).root;
        python = absolutePython();
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
        args.addAll(List.of("--launcher", launcher.toString(), "--toolkit-dir", toolkit.toString(), "--python", python,
                "--hf-home", hfHome.toString(), "--time", "00:05:00", "--json", "--", "--gpu-memory", "80GB"));

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
            Path log = Path.of(task.path("log").asText());
            assertThat(log).as("Slurm's output of " + name).isRegularFile();
            JsonNode record = Json.mapper().readTree(out.resolve(name).resolve("run.json").toFile());
            assertThat(record.path("status").asText()).as(name + ": " + record).isEqualTo("succeeded");
            assertThat(record.path("exitCode").asInt()).isZero();
            assertThat(record.path("environment").path("HF_HUB_OFFLINE").asText())
                    .as("the prefetch job left " + name + " a complete cache, so run.py ran offline").isEqualTo("1");
            assertThat(record.path("environment").path("HF_HOME").asText()).isEqualTo(hfHome.toString());
            assertThat(record.path("childCommand").toString()).contains(toolkit.resolve("run.py").toString());
            assertThat(Files.readString(log)).as("Slurm's output of " + name)
                    .contains("holds everything; the run can load it offline (HF_HUB_OFFLINE=1)")
                    .contains(name + ": succeeded after 1 attempt(s)");
            assertThat(Files.readString(out.resolve(name).resolve("log.txt"))).as("run.py's output, kept by launch")
                    .contains("Saved checkpoint to");
        }
        // Once per model, not per task: each file of the repo was sent exactly once (by the prefetch job; the
        // tasks' own prefetch found it cached), the root checkpoint never.
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
        // launch --dry-run on the node: parses the generated command, reads the task config and plans it there.
        List<String> args = new ArrayList<>(List.of("submit", "--output", out.toString(), "--array"));
        for (String name : List.of("one", "two", "three")) {
            args.add(config(name).toString());
        }
        args.addAll(List.of("--toolkit-dir", toolkit.toString(), "--python", python, "--no-prefetch", "--json", "--",
                "--gpu-memory", "80GB", "--dry-run"));

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
        // Steps of 30 s keep run.py busy well past the cancel; launch skips its prefetch (run.py reads no model).
        CliRun.Result submitted = cli().env("FAKE_AITK_STEP_SECONDS", "30").run("submit", "--output", out.toString(),
                "--array", config("slow").toString(), "--launcher", launcher.toString(), "--toolkit-dir",
                toolkit.toString(), "--python", python, "--no-prefetch", "--json", "--", "--gpu-memory", "80GB",
                "--no-prefetch");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        waitForStatus(s -> taskState(s).equals("RUNNING"), Duration.ofSeconds(60));

        CliRun.Result cancelled = cli().run("cancel", "--output", out.toString());

        assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
        assertThat(cancelled.out()).contains("Cancelled " + Json.mapper().readTree(submitted.out()).path("arrayJobId").asText());
        JsonNode status = waitForStatus(s -> s.path("allFinished").asBoolean(), Duration.ofSeconds(60));
        assertThat(taskState(status)).isEqualTo("CANCELLED");
        assertThat(out.resolve("slow/slow.safetensors")).doesNotExist();
    }

    @Test
    void plantedSecretsReachTheJobButNoFileAndNoStream() throws Exception {
        // Issue 14: a token, a proxy and a database password inside URLs, and an odd-named secret, exported to the
        // job (--export=ALL), where the real launcher runs run.py supervised and writes run.json.
        CliRun cli = PlantedSecrets.plantIn(cli());
        List<CliRun.Result> streams = new ArrayList<>();
        CliRun.Result submitted = cli.run("submit", "--output", out.toString(), "--array", config("hush").toString(),
                "--launcher", launcher.toString(), "--toolkit-dir", toolkit.toString(), "--python", python,
                "--no-prefetch", "--time", "00:05:00", "--verbose", "--", "--gpu-memory", "80GB", "--no-prefetch");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        streams.add(submitted);

        JsonNode status = waitForStatus(s -> s.path("allFinished").asBoolean(), FINISH_WITHIN);
        JsonNode task = status.path("submissions").get(0).path("tasks").get(0);
        assertThat(task.path("run").path("state").asText()).as(task + logs()).isEqualTo("succeeded");
        JsonNode record = Json.mapper().readTree(out.resolve("hush/run.json").toFile());
        assertThat(record.path("environment").path("HF_TOKEN").asText())
                .as("the token reached the job's launcher, which passed it on and recorded only its name")
                .isEqualTo("<redacted>");
        streams.add(cli.run("status", "--output", out.toString()));
        streams.add(cli.run("status", "--output", out.toString(), "--json"));
        streams.add(cli.run("diagnose", out.resolve("hush/run.json").toString()));

        for (CliRun.Result r : streams) {
            PlantedSecrets.assertAbsent(r, "submit, status or diagnose");
        }
        assertThat(PlantedSecrets.assertAbsentUnder(tmp)).as("files checked, Slurm's job output among them")
                .isGreaterThan(5);
        assertThat(Files.readString(Path.of(task.path("log").asText()))).as("the job ran the launcher")
                .contains("hush: succeeded after 1 attempt(s)");
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
        // launch validates before it starts anything: the dataset must exist and hold a readable image.
        Path images = Files.createDirectories(tmp.resolve("data"));
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(image, "png", images.resolve("one.png").toFile());
        Files.writeString(images.resolve("one.txt"), "a photo");
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
                        - folder_path: %s
                      train: {batch_size: 1, steps: 10}
                      model:
                        name_or_path: black-forest-labs/FLUX.1-dev
                        arch: flux
                """.formatted(name, images));
        return file;
    }

    /** The absolute interpreter (a pyenv shim would need the user's HOME, which jobs here do not have). */
    private static String absolutePython() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(p.waitFor() == 0, "python3 is needed by the run.py test double: " + outText);
        return outText.lines().reduce((a, b) -> b).orElseThrow();
    }
}
