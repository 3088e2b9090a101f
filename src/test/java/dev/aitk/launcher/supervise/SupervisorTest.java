package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Redaction;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.realtrainer.SafetensorsFile;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor against the run.py test double: real child processes, real signals, real files. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SupervisorTest {
    @TempDir
    Path tmp;

    private final List<LogEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    private Supervisor supervisor(SupervisorListener extra) {
        return new Supervisor(FakeToolkit.launcherEnvironment(tmp), Clock.systemUTC(), new SupervisorListener() {
            @Override
            public void event(LogEvent event) {
                events.add(event);
                extra.event(event);
            }

            @Override
            public void note(String message) {
                notes.add(message);
            }

            @Override
            public void progress(RunSnapshot snapshot) {
                extra.progress(snapshot);
            }
        });
    }

    private static Recovery noReplanning() {
        return FakeToolkit.recovery(Replanner.none());
    }

    @Test
    void aRunThatWorksFinishesWithTheLoraAndARecord() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "my_lora", 1, 30, 10);
        RunSpec spec = kit.spec("my_lora", config, Map.of());

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.OK);
        assertThat(record.status()).isEqualTo("succeeded");
        assertThat(record.attempts()).hasSize(1);
        assertThat(record.stepsDone()).isEqualTo(30L);
        assertThat(record.totalSteps()).isEqualTo(30L);
        assertThat(record.secondsPerStep()).isPositive();
        assertThat(record.lastLoss()).as("the newest loss of the training bar").isPositive();
        assertThat(record.attempts().get(0).lastLoss()).isEqualTo(record.lastLoss());
        assertThat(record.finalCheckpoint()).endsWith("my_lora.safetensors");
        assertThat(Path.of(record.finalCheckpoint())).exists();
        JsonNode onDisk = Json.mapper().readTree(spec.recordFile().toFile());
        assertThat(onDisk.get("status").asText()).isEqualTo("succeeded");
        assertThat(onDisk.get("attempts").get(0).get("exitCode").asInt()).isZero();
        assertThat(record.childCommand()).contains(spec.command().get(0), spec.command().get(1))
                .anyMatch(a -> a.endsWith("aitk-launcher-shim.py"));
        assertThat(Files.readString(spec.logDirectory().resolve("log.txt")))
                .contains("Saved checkpoint to").contains("Saved optimizer to").contains("[aitk-launcher] attempt 1 of 4")
                .as("the real run.py prints no summary on success").doesNotContain("Result:");
        assertThat(events).anyMatch(e -> e instanceof LogEvent.SaveFinished);
    }

    @Test
    void outOfMemoryReplansSmallerAndResumesFromTheNewestCheckpoint() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path big = kit.config("lora.yaml", "oom_lora", 4, 30, 10);
        Map<String, String> knobs = Map.of("FAKE_AITK_OOM_ABOVE_BATCH", "2", "FAKE_AITK_OOM_AT_STEP", "15");
        RunSpec spec = kit.spec("oom_lora", big, knobs);
        List<AttemptRecord> seen = new ArrayList<>();
        Replanner replanner = (failed, attempt) -> {
            seen.add(attempt);
            try {
                Path small = kit.config("lora-replanned.yaml", "oom_lora", 2, 30, 10);
                List<String> cmd = List.of(failed.command().get(0), failed.command().get(1), small.toString());
                return Optional.of(new Replanner.Replan(failed.withCommand(cmd, Json.mapper().valueToTree(Map.of("batch_size", 2))),
                        "batch 4 -> 2"));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        };

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(),
                FakeToolkit.recovery(replanner));

        assertThat(record.exit()).isEqualTo(ExitCode.OK);
        assertThat(record.attempts()).hasSize(2);
        AttemptRecord failed = record.attempts().get(0);
        assertThat(failed.cause()).isEqualTo(FailureKind.OUT_OF_MEMORY);
        assertThat(failed.traceback()).anyMatch(l -> l.startsWith("torch.OutOfMemoryError: CUDA out of memory"));
        assertThat(failed.nextAction()).contains("re-planned smaller (batch 4 -> 2)");
        assertThat(seen).singleElement().extracting(AttemptRecord::lastStep).isEqualTo(14L);
        AttemptRecord resumed = record.attempts().get(1);
        assertThat(resumed.resumedFromStep()).as("resumed, not restarted at step 0").isEqualTo(10L);
        assertThat(resumed.startReason()).contains("out of GPU memory");
        assertThat(record.plan()).isEqualTo(Json.mapper().valueToTree(Map.of("batch_size", 2)));
        assertThat(failed.logFile()).endsWith("log.1.txt");
        assertThat(Path.of(failed.logFile())).content().contains("torch.OutOfMemoryError");
        assertThat(Path.of(resumed.logFile())).content()
                .contains("#### IMPORTANT RESUMING FROM").contains("Found step 10 in metadata");
        assertThat(kit.output.resolve("oom_lora/oom_lora.safetensors")).exists();
    }

    @Test
    void outOfMemoryWithNothingSmallerEndsAsTrainingFailedWithTheFix() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "oom2", 4, 20, 10);
        RunSpec spec = kit.spec("oom2", config, Map.of("FAKE_AITK_OOM_ABOVE_BATCH", "1"));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.TRAINING_FAILED);
        assertThat(record.attempts()).hasSize(1);
        assertThat(record.message()).contains("no smaller plan");
        assertThat(record.fix()).contains("batch_size");
    }

    @Test
    void anHfTransferFailureRestartsWithTheFastPathOff() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "dl_lora", 1, 10, 5);
        RunSpec spec = kit.spec("dl_lora", config, Map.of("FAKE_AITK_FAIL_DOWNLOAD", "hf_transfer",
                "HF_HUB_ENABLE_HF_TRANSFER", "1"));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.OK);
        assertThat(record.attempts()).extracting(AttemptRecord::cause)
                .containsExactly(FailureKind.HF_TRANSFER_FAILED, null);
        assertThat(record.attempts().get(1).environmentChanges()).containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "0");
        assertThat(record.environment()).containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "0");
    }

    @Test
    void aTransientNetworkErrorIsRetriedAfterABackoff() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "net_lora", 1, 10, 5);
        RunSpec spec = kit.spec("net_lora", config, Map.of("FAKE_AITK_FAIL_DOWNLOAD", "network",
                "FAKE_AITK_STATE_DIR", tmp.resolve("state").toString()));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.OK);
        assertThat(record.attempts().get(0).cause()).isEqualTo(FailureKind.NETWORK_ERROR);
        assertThat(record.attempts().get(0).nextAction()).contains("retrying in");
    }

    @Test
    void aGatedModelIsNotRetriedAndSaysWhereToAcceptTheLicense() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "gated", 1, 10, 5);
        RunSpec spec = kit.spec("gated", config, Map.of("FAKE_AITK_GATED", "1", "HF_TOKEN", "hf_secretvalue123"));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.DOWNLOAD_FAILED);
        assertThat(record.attempts()).hasSize(1);
        assertThat(record.cause()).isEqualTo(FailureKind.GATED_REPO);
        assertThat(record.fix()).contains("accept the license");
        assertThat(record.environment()).containsEntry("HF_TOKEN", Redaction.MASK);
        assertThat(Files.readString(spec.recordFile())).doesNotContain("hf_secretvalue123");
    }

    @Test
    void aStopRequestStopsTheChildAndItsWorkerAndEndsInterrupted() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "stop_lora", 1, 100000, 1000);
        Path pids = tmp.resolve("pids");
        RunSpec spec = kit.spec("stop_lora", config, Map.of("FAKE_AITK_WORKER", "1",
                "FAKE_AITK_PID_FILE", pids.toString(), "FAKE_AITK_STEP_SECONDS", "0.05"));
        Supervisor supervisor = supervisor(new SupervisorListener() {
        });
        Thread stopper = new Thread(() -> {
            try {
                FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));
                Thread.sleep(300);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            supervisor.requestStop("test asked");
        });
        stopper.start();

        RunRecord record = supervisor.run(spec, FakeToolkit.fastPolicy(), noReplanning());

        long[] tree = FakeToolkit.awaitPids(pids, Duration.ofSeconds(1));
        assertThat(record.exit()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(record.status()).isEqualTo("interrupted");
        assertThat(FakeToolkit.awaitGone(tree, Duration.ofSeconds(5))).as("run.py and its worker are gone").isTrue();
        assertThat(Files.readString(spec.logDirectory().resolve("log.txt"))).contains("Job stopped");
    }

    @Test
    void aChildThatIgnoresSigintIsTerminatedAfterTheGracePeriod() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "stubborn", 1, 100000, 1000);
        Path pids = tmp.resolve("pids");
        RunSpec spec = kit.spec("stubborn", config, Map.of("FAKE_AITK_IGNORE_SIGINT", "1", "FAKE_AITK_WORKER", "1",
                "FAKE_AITK_PID_FILE", pids.toString(), "FAKE_AITK_STEP_SECONDS", "0.05"));
        Supervisor supervisor = supervisor(SupervisorListener.SILENT);
        Thread stopper = new Thread(() -> {
            try {
                FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            supervisor.requestStop("test asked");
        });
        stopper.start();

        RunRecord record = supervisor.run(spec, FakeToolkit.fastPolicy().withGracePeriod(Duration.ofMillis(500)),
                noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(FakeToolkit.awaitGone(FakeToolkit.awaitPids(pids, Duration.ofSeconds(1)), Duration.ofSeconds(5)))
                .isTrue();
        assertThat(Files.readString(spec.logDirectory().resolve("log.txt")))
                .contains("did not stop after SIGINT; sending SIGTERM");
    }

    @Test
    void aStopWaitsForTheCheckpointBeingWritten() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "saver", 1, 100000, 5);
        RunSpec spec = kit.spec("saver", config, Map.of("FAKE_AITK_SAVE_SECONDS", "1.5"));
        Supervisor[] holder = new Supervisor[1];
        holder[0] = supervisor(new SupervisorListener() {
            @Override
            public void event(LogEvent event) {
                if (event instanceof LogEvent.SaveStarted) {
                    holder[0].requestStop("test asked during a save");
                }
            }
        });

        RunRecord record = holder[0].run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.INTERRUPTED);
        Path checkpoint = kit.output.resolve("saver/saver_000000005.safetensors");
        SafetensorsFile whole = SafetensorsFile.read(checkpoint);
        assertThat(Json.mapper().readTree(whole.metadata().get("training_info")).path("step").asLong())
                .as("the checkpoint was written whole").isEqualTo(5);
        String log = Files.readString(spec.logDirectory().resolve("log.txt"));
        assertThat(log.indexOf("Saved checkpoint to")).isLessThan(log.indexOf("Job stopped"));
        assertThat(log).contains("holding the stop until the checkpoint is saved");
    }

    @Test
    void aCheckpointCutOffWhileSavingIsMovedAsideAndTheRunResumesFromTheOneBefore() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "cut", 1, 30, 10);
        supervisor(SupervisorListener.SILENT).run(kit.spec("cut", config, Map.of("FAKE_AITK_EXIT_AFTER_STEP", "25")),
                FakeToolkit.fastPolicy(), noReplanning());
        Path cut = kit.output.resolve("cut/cut_000000020.safetensors");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), 40)); // the save was cut off 40 bytes in

        RunRecord record = supervisor(SupervisorListener.SILENT).run(kit.spec("cut", config, Map.of()),
                FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.status()).isEqualTo("succeeded");
        AttemptRecord damaged = record.attempts().get(0);
        assertThat(damaged.cause()).isEqualTo(FailureKind.DAMAGED_FILE);
        assertThat(damaged.detail()).contains("Error while deserializing header");
        assertThat(damaged.nextAction()).contains("cut_000000020.safetensors was cut off while saving");
        assertThat(record.attempts().get(1).resumedFromStep()).as("the checkpoint before the cut one").isEqualTo(10L);
        assertThat(kit.output.resolve("cut.damaged/cut_000000020.safetensors")).as("kept, out of the run's folder")
                .hasSize(40);
    }

    @Test
    void aStallIsDetectedReportedAndTreatedAsAFailure() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "stall", 1, 100, 50);
        RunSpec spec = kit.spec("stall", config, Map.of("FAKE_AITK_HANG_AT_STEP", "3"));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec,
                FakeToolkit.fastPolicy().withMaxAttempts(1).withStallTimeout(Duration.ofSeconds(3)), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.TRAINING_FAILED);
        assertThat(record.cause()).isEqualTo(FailureKind.STALLED);
        assertThat(record.attempts().get(0).detail()).contains("no output and no progress for 3 s at step 2");
        assertThat(notes).anyMatch(n -> n.startsWith("stalled:"));
        assertThat(Files.readString(spec.logDirectory().resolve("log.txt"))).contains("[aitk-launcher] stalled:");
    }

    @Test
    void aNanLossStopsTheRunWithoutRetrying() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "nan", 1, 100000, 1000);
        RunSpec spec = kit.spec("nan", config, Map.of("FAKE_AITK_NAN_AT_STEP", "5", "FAKE_AITK_STEP_SECONDS", "0.02"));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.TRAINING_FAILED);
        assertThat(record.cause()).isEqualTo(FailureKind.NAN_LOSS);
        assertThat(record.attempts()).hasSize(1);
        assertThat(record.fix()).contains("train.lr");
    }

    @Test
    void anUnknownCrashIsNotRetriedAndKeepsTheTraceback() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "crash", 1, 100, 50);
        RunSpec spec = kit.spec("crash", config, Map.of("FAKE_AITK_EXIT_AFTER_STEP", "3"));

        RunRecord record = supervisor(SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.TRAINING_FAILED);
        assertThat(record.cause()).isEqualTo(FailureKind.CRASHED);
        assertThat(record.attempts().get(0).traceback()).last().asString()
                .startsWith("RuntimeError: Expected all tensors to be on the same device");
    }

    @Test
    void floodsOfOutputAreLoggedWholeWhileMemoryStaysBounded() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "flood", 1, 20, 10);
        RunSpec spec = kit.spec("flood", config, Map.of("FAKE_AITK_SPAM_MB", "4", "FAKE_AITK_BAR_SPAM_MB", "4",
                "FAKE_AITK_LONG_LINE_MB", "2"));
        List<RunSnapshot> last = new ArrayList<>();
        Supervisor supervisor = supervisor(new SupervisorListener() {
            @Override
            public void progress(RunSnapshot snapshot) {
                last.clear();
                last.add(snapshot);
            }
        });

        RunRecord record = supervisor.run(spec, FakeToolkit.fastPolicy(), noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.OK);
        assertThat(Files.size(spec.logDirectory().resolve("log.txt"))).isGreaterThan(10L * 1024 * 1024);
        RunSnapshot s = last.get(0);
        assertThat(s.bytesRead()).isGreaterThan(10L * 1024 * 1024);
        assertThat(s.lastLines()).hasSizeLessThanOrEqualTo(40).allMatch(l -> l.length() < 4096);
        assertThat(s.step()).isEqualTo(20L);
    }

    @Test
    void aSecondStopRequestSkipsTheRestOfTheGracePeriod() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("lora.yaml", "twice", 1, 100000, 1000);
        Path pids = tmp.resolve("pids");
        RunSpec spec = kit.spec("twice", config, Map.of("FAKE_AITK_IGNORE_SIGINT", "1", "FAKE_AITK_WORKER", "1",
                "FAKE_AITK_PID_FILE", pids.toString(), "FAKE_AITK_STEP_SECONDS", "0.05"));
        Supervisor supervisor = supervisor(SupervisorListener.SILENT);
        Thread stopper = new Thread(() -> {
            try {
                FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));
                supervisor.requestStop("first Ctrl+C");
                Thread.sleep(500);
                supervisor.requestStop("second Ctrl+C");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        stopper.start();
        long start = System.nanoTime();

        RunRecord record = supervisor.run(spec, FakeToolkit.fastPolicy().withGracePeriod(Duration.ofMinutes(5)),
                noReplanning());

        assertThat(record.exit()).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("far less than the 5 min grace period")
                .isLessThan(Duration.ofSeconds(60));
        assertThat(FakeToolkit.awaitGone(FakeToolkit.awaitPids(pids, Duration.ofSeconds(1)), Duration.ofSeconds(5)))
                .isTrue();
    }
}
