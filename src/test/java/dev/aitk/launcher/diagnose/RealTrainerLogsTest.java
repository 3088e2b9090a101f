package dev.aitk.launcher.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.SupervisorListener;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6: logs the real ai-toolkit wrote for broken inputs (src/test/resources/real-aitk-logs, README
 * there) are explained by {@code diagnose} and, replayed as run.py's output with its real exit code, by the
 * live supervisor that {@code launch} runs; none as "an error the launcher does not know".
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealTrainerLogsTest {
    @TempDir
    Path tmp;

    private final Diagnoser diagnoser = new Diagnoser(FakeToolkit.launcherEnvironment(Path.of(".")));

    private Path log(String name) throws IOException {
        Path file = tmp.resolve(name);
        try (InputStream in = RealTrainerLogsTest.class.getResourceAsStream("/real-aitk-logs/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** The supervisor's record of a run.py that writes {@code name}'s bytes and exits with {@code exitCode}. */
    private RunRecord replayed(String name, int exitCode) throws IOException {
        Optional<Path> python = Executables.find("python3", FakeToolkit.launcherEnvironment(tmp));
        Assumptions.assumeTrue(python.isPresent(), "python3 is not on PATH; the replaying run.py needs it");
        Path runPy = tmp.resolve("replay/run.py");
        Files.createDirectories(runPy.getParent());
        try (InputStream in = RealTrainerLogsTest.class.getResourceAsStream("/replay-aitk/run.py")) {
            Files.write(runPy, in.readAllBytes());
        }
        Path out = tmp.resolve("runs").resolve(name);
        RunSpec spec = new RunSpec("replay", List.of(python.get().toString(), runPy.toString(),
                log(name).toString(), Integer.toString(exitCode)), runPy.getParent(),
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), Map.of(), out,
                out.resolve("run.json"), out, null);
        return new Supervisor(FakeToolkit.launcherEnvironment(tmp), Clock.systemUTC(), SupervisorListener.SILENT)
                .run(spec, FakeToolkit.fastPolicy(), FakeToolkit.recovery(Replanner.none()));
    }

    private Diagnosis diagnosed(String name) throws IOException {
        return diagnoser.diagnose(log(name));
    }

    /**
     * Both readers name {@code kind}: diagnose of the log, and the supervisor over the replayed run (exit 1, as
     * the real run.py), which does not retry and ends with the kind's exit code. Returns the diagnosis.
     */
    private Diagnosis explainedAlike(String name, FailureKind kind) throws IOException {
        Diagnosis d = diagnosed(name);
        assertThat(d.failure()).as("diagnose " + name).isEqualTo(kind);
        RunRecord r = replayed(name, 1);
        assertThat(r.cause()).as("launch's supervisor on " + name).isEqualTo(kind);
        assertThat(r.exit()).isEqualTo(kind.exitCode());
        assertThat(r.attempts()).as("not retried: the same input fails the same way").hasSize(1);
        return d;
    }

    @Test
    void aMissingDatasetFolderIsAMissingFileNamedInTheDiagnosis() throws IOException {
        Diagnosis d = explainedAlike("missing-dataset-folder.log", FailureKind.MISSING_FILE);
        assertThat(FailureKind.MISSING_FILE.exitCode()).isEqualTo(ExitCode.INPUT_INVALID);
        assertThat(d.details()).anyMatch(s -> s.startsWith("not found: datasets/missing-folder"));
    }

    @Test
    void anUnknownArchIsARejectedConfigWhoseFixIsModelArch() throws IOException {
        Diagnosis d = explainedAlike("unknown-arch.log", FailureKind.CONFIG_INVALID);
        assertThat(d.fix()).contains("model.arch").contains("Stable Diffusion");
    }

    @Test
    void aTruncatedModelFileIsDamagedAndTheFixNamesItAndPrefetch() throws IOException {
        Diagnosis d = explainedAlike("truncated-model-file.log", FailureKind.DAMAGED_FILE);
        assertThat(FailureKind.DAMAGED_FILE.exitCode()).isEqualTo(ExitCode.INPUT_INVALID);
        assertThat(d.details()).contains(
                "the damaged file: models/flux-dev-truncated/transformer/diffusion_pytorch_model.safetensors");
        assertThat(d.fix()).startsWith("delete models/flux-dev-truncated/transformer/").contains("prefetch");
    }

    @Test
    void aTruncatedCheckpointToResumeFromIsDamagedAndTheFixMovesItAside() throws IOException {
        Diagnosis d = explainedAlike("truncated-checkpoint.log", FailureKind.DAMAGED_FILE);
        assertThat(d.fix()).startsWith("move output/truncresume/truncresume_000000002.safetensors out of the "
                + "training folder");
    }

    @Test
    void anUncaptionedDatasetTrainsToTheEndAndBothSayFinished() throws IOException {
        Diagnosis d = diagnosed("uncaptioned-dataset.log");
        assertThat(d.failure()).isNull();
        assertThat(d.outcome()).as("the real run.py prints no summary on success; its final save shows the finish")
                .isEqualTo("finished");

        RunRecord r = replayed("uncaptioned-dataset.log", 0);
        assertThat(r.status()).isEqualTo("succeeded");
        assertThat(r.stepsDone()).isEqualTo(3L);
        assertThat(r.lastLoss()).as("the loss of the last redraw of the real bar").isEqualTo(1.481);
    }

    @Test
    void theRealFailureSummaryIsNotAFinish() throws IOException {
        for (String name : List.of("missing-dataset-folder.log", "unknown-arch.log", "truncated-model-file.log",
                "truncated-checkpoint.log")) {
            Diagnosis d = diagnosed(name);
            assertThat(d.outcome()).as(name + ": '- 0 completed jobs' is in its failure summary").isEqualTo("failed");
            assertThat(d.failure()).as(name).isNotEqualTo(FailureKind.CRASHED);
        }
    }
}
