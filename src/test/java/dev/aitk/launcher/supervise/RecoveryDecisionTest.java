package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the launcher does after each kind of failure, decided without starting anything. */
class RecoveryDecisionTest {
    private static final Map<String, String> OFF = Map.of("HF_XET_HIGH_PERFORMANCE", "0", "HF_HUB_DISABLE_XET", "1");

    private final RunSpec spec = new RunSpec("lora", List.of("python", "run.py", "c.yaml"), Path.of("tk"),
            Map.of("HF_HUB_OFFLINE", "1", "HF_XET_HIGH_PERFORMANCE", "1"), Map.of(), Path.of("o"), null, Path.of("o"), null);

    private static AttemptRecord failed(FailureKind kind, String detail) {
        return new AttemptRecord(1, null, null, 1, kind, detail, null, null, 12L, 100L, null, null, 0, "first start",
                Map.of(), null, List.of());
    }

    private static RecoveryDecision decision(Replanner replanner) {
        return new RecoveryDecision(Duration.ofSeconds(15), replanner, OFF);
    }

    @Test
    void aFailedFastDownloadRestartsWithTheFastPathOffAndGivesUpWhenItWasOffAlready() {
        RecoveryDecision recovery = decision(Replanner.none());

        Recovery.Decision first = recovery.after(spec, failed(FailureKind.XET_DOWNLOAD_FAILED, "XetError"));

        assertThat(first).isInstanceOf(Recovery.Retry.class);
        Recovery.Retry retry = (Recovery.Retry) first;
        assertThat(retry.next().environment()).containsAllEntriesOf(OFF);
        assertThat(retry.reason()).contains("fast download path off").contains("HF_HUB_DISABLE_XET=1");
        assertThat(retry.delay()).isZero();

        Recovery.Decision second = recovery.after(retry.next(), failed(FailureKind.XET_DOWNLOAD_FAILED, "XetError"));
        assertThat(second).isEqualTo(new Recovery.GiveUp(ExitCode.DOWNLOAD_FAILED,
                "the Xet fast download failed and the fast download path was already off (XetError)"));
    }

    @Test
    void aDownloadThatStalledRestartsWithXetOffAndSaysSo() {
        Recovery.Decision first = decision(Replanner.none()).after(spec, failed(FailureKind.XET_STALLED,
                "no output and no progress for 600 s while downloading diffusion_pytorch_model-00001-of-00003.safetensors"));

        assertThat(first).isInstanceOf(Recovery.Retry.class);
        Recovery.Retry retry = (Recovery.Retry) first;
        assertThat(retry.next().environment()).containsEntry("HF_HUB_DISABLE_XET", "1");
        assertThat(retry.reason()).startsWith(FailureKind.XET_STALLED.title()).contains("HF_HUB_DISABLE_XET=1");
    }

    @Test
    void aFileMissingFromTheOfflineCacheRestartsOnlineThenBacksOff() {
        RecoveryDecision recovery = decision(Replanner.none());

        Recovery.Retry online = (Recovery.Retry) recovery.after(spec, failed(FailureKind.MODEL_NOT_CACHED, "x"));

        assertThat(online.next().environment()).doesNotContainKey("HF_HUB_OFFLINE");
        assertThat(online.reason()).contains("restarting without HF_HUB_OFFLINE");
        Recovery.Retry later = (Recovery.Retry) recovery.after(online.next(),
                failed(FailureKind.MODEL_NOT_CACHED, "x"));
        assertThat(later.delay()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void offlineAFileMissingFromTheCacheEndsTheRunInsteadOfGoingOnline() {
        assertThat(decision(Replanner.none()).offline().after(spec, failed(FailureKind.MODEL_NOT_CACHED, "x")))
                .isEqualTo(new Recovery.GiveUp(ExitCode.DOWNLOAD_FAILED,
                        "a file is missing from the offline cache and --offline keeps run.py off the network (x)"));
    }

    @Test
    void networkErrorsWaitThreeTimesLongerEachTime() {
        RecoveryDecision recovery = decision(Replanner.none());

        List<Duration> waits = List.of(1, 2, 3).stream().map(i -> ((Recovery.Retry) recovery.after(spec,
                failed(FailureKind.NETWORK_ERROR, "ReadTimeout"))).delay()).toList();

        assertThat(waits).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(45), Duration.ofSeconds(135));
    }

    @Test
    void outOfMemoryRunsTheSmallerPlanOrEndsWithTheReplannersWord() {
        RunSpec smaller = spec.withCommand(List.of("python", "run.py", "c.attempt-2.yaml"),
                Json.mapper().valueToTree(Map.of("batch", 1)));
        Recovery.Decision replanned = decision((f, a) -> Optional.of(new Replanner.Replan(smaller, "batch 2 -> 1")))
                .after(spec, failed(FailureKind.OUT_OF_MEMORY, "CUDA out of memory"));
        assertThat(replanned).isEqualTo(new Recovery.Retry(smaller,
                "out of GPU memory: re-planned smaller (batch 2 -> 1); resuming from the newest checkpoint",
                Duration.ZERO));

        assertThat(decision(Replanner.none()).after(spec, failed(FailureKind.OUT_OF_MEMORY, "oom")))
                .isEqualTo(new Recovery.GiveUp(ExitCode.TRAINING_FAILED,
                        "out of GPU memory and no smaller plan is available (oom)"));
        Replanner refusing = (f, a) -> {
            throw new LauncherException(ExitCode.DOES_NOT_FIT, "nothing fits under 20 GiB");
        };
        assertThat(decision(refusing).after(spec, failed(FailureKind.OUT_OF_MEMORY, "oom")))
                .isEqualTo(new Recovery.GiveUp(ExitCode.DOES_NOT_FIT, "nothing fits under 20 GiB"));
    }

    @Test
    void aFailureTheSameRunWouldRepeatEndsTheRun() {
        assertThat(decision(Replanner.none()).after(spec, failed(FailureKind.CONFIG_INVALID, "Unknown job type")))
                .isEqualTo(new Recovery.GiveUp(ExitCode.INPUT_INVALID,
                        "ai-toolkit rejected the config (Unknown job type)"));
    }

    @Test
    void aDamagedFileThatIsNotACutOffCheckpointOfTheRunEndsItWithExit3(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path runDir = java.nio.file.Files.createDirectories(dir.resolve("lora"));
        // A whole checkpoint: 8-byte header length, the header, then the 4 bytes its tensor says.
        byte[] header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes();
        java.nio.ByteBuffer whole = java.nio.ByteBuffer.allocate(8 + header.length + 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
        java.nio.file.Files.write(runDir.resolve("lora_000000010.safetensors"), whole.array());
        RunSpec run = new RunSpec("lora", List.of("python", "run.py", "c.yaml"), Path.of("tk"), Map.of(), Map.of(),
                runDir, null, runDir, null);

        Recovery.Decision d = decision(Replanner.none()).after(run, failed(FailureKind.DAMAGED_FILE,
                "Error running job: Unable to load weights from checkpoint file for 'transformer/x.safetensors'"));

        assertThat(d).isInstanceOf(Recovery.GiveUp.class);
        assertThat(((Recovery.GiveUp) d).exit()).isEqualTo(ExitCode.INPUT_INVALID);
        assertThat(((Recovery.GiveUp) d).message()).contains("it is not a checkpoint of this run");
        assertThat(runDir.resolve("lora_000000010.safetensors")).as("a whole checkpoint stays").exists();
    }
}
