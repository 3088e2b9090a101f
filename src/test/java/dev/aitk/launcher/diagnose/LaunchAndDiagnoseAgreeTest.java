package dev.aitk.launcher.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.SupervisorListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One classifier: what the supervisor records for a real run of the run.py double is what {@code diagnose}
 * says afterwards, from the log and from run.json alike.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchAndDiagnoseAgreeTest {
    @TempDir
    Path tmp;

    private Supervisor supervisor() {
        return new Supervisor(FakeToolkit.launcherEnvironment(tmp), Clock.systemUTC(), SupervisorListener.SILENT);
    }

    private Diagnosis[] diagnosed(RunSpec spec) {
        Diagnoser diagnoser = new Diagnoser(FakeToolkit.launcherEnvironment(tmp));
        return new Diagnosis[] {diagnoser.diagnose(spec.logDirectory().resolve("log.txt")),
                diagnoser.diagnose(spec.recordFile())};
    }

    private void assertAgree(RunRecord record, RunSpec spec, FailureKind expected) {
        assertThat(record.cause()).isEqualTo(expected);
        for (Diagnosis d : diagnosed(spec)) {
            assertThat(d.failure()).as(d.source()).isEqualTo(expected);
        }
    }

    @Test
    void sigkillWithNoPythonErrorIsTheHostOomKillerForBoth() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "oomkill", 1, 100, 50);
        Path pids = tmp.resolve("pids");
        RunSpec spec = kit.spec("oomkill", config, Map.of("FAKE_AITK_HANG_AT_STEP", "3", "FAKE_AITK_WORKER", "1",
                "FAKE_AITK_PID_FILE", pids.toString()));
        Thread killer = new Thread(() -> {
            try {
                long main = FakeToolkit.awaitPids(pids, Duration.ofSeconds(60))[0];
                Thread.sleep(300);
                new ProcessBuilder("kill", "-KILL", Long.toString(main)).start().waitFor();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        killer.start();

        RunRecord record = supervisor().run(spec, FakeToolkit.fastPolicy(), FakeToolkit.recovery(Replanner.none()));

        assertAgree(record, spec, FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(record.attempts()).hasSize(1);
        assertThat(record.exitCode()).isEqualTo(6);
        assertThat(Files.readString(spec.logDirectory().resolve("log.txt")))
                .contains("[aitk-launcher] killed by signal 9 (SIGKILL) with no Python error");
    }

    @Test
    void aStopIsTheUsersForBoth() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "stopped", 1, 100000, 10);
        Path pids = tmp.resolve("pids");
        RunSpec spec = kit.spec("stopped", config, Map.of("FAKE_AITK_WORKER", "1",
                "FAKE_AITK_PID_FILE", pids.toString(), "FAKE_AITK_STEP_SECONDS", "0.02"));
        Supervisor supervisor = supervisor();
        Thread stopper = new Thread(() -> {
            try {
                FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));
                Thread.sleep(500);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            supervisor.requestStop("Ctrl+C (SIGINT) to the launcher");
        });
        stopper.start();

        RunRecord record = supervisor.run(spec, FakeToolkit.fastPolicy(), FakeToolkit.recovery(Replanner.none()));

        assertAgree(record, spec, FailureKind.INTERRUPTED);
        for (Diagnosis d : diagnosed(spec)) {
            assertThat(d.outcome()).as(d.source()).isEqualTo("interrupted");
            assertThat(d.fix()).as(d.source()).startsWith("run the same command again to resume");
        }
    }

    @Test
    void aGatedModelIsGatedForBoth() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "gated", 1, 100, 50);
        RunSpec spec = kit.spec("gated", config, Map.of("FAKE_AITK_GATED", "1"));

        assertAgree(supervisor().run(spec, FakeToolkit.fastPolicy(), FakeToolkit.recovery(Replanner.none())), spec, FailureKind.GATED_REPO);
    }

    @Test
    void aStallIsAStallForBoth() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "stall", 1, 100, 50);
        RunSpec spec = kit.spec("stall", config, Map.of("FAKE_AITK_HANG_AT_STEP", "3"));

        RunRecord record = supervisor().run(spec,
                FakeToolkit.fastPolicy().withMaxAttempts(1).withStallTimeout(Duration.ofSeconds(3)), FakeToolkit.recovery(Replanner.none()));

        assertAgree(record, spec, FailureKind.STALLED);
    }

    @Test
    void anUnknownCrashIsCrashedForBoth() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "crash", 1, 100, 50);
        RunSpec spec = kit.spec("crash", config, Map.of("FAKE_AITK_EXIT_AFTER_STEP", "3"));

        assertAgree(supervisor().run(spec, FakeToolkit.fastPolicy(), FakeToolkit.recovery(Replanner.none())), spec, FailureKind.CRASHED);
    }
}
