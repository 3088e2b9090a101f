package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One verdict for launch (exit code known) and diagnose (a log alone), from the output as the watcher reads it. */
class AttemptVerdictTest {
    private static final String TRAINING = "my_lora:  12%|█▏        | 240/2000 [04:00<29:20,  1.00s/it, lr: 1.0e-04 "
            + "loss: 3.1e-01]\n";

    private static RunSnapshot output(String text) {
        LogWatcher watcher = new LogWatcher("my_lora", 16 * 1024, System::nanoTime);
        LineSplitter splitter = new LineSplitter(16 * 1024, watcher);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        splitter.feed(b, 0, b.length);
        splitter.finish();
        return watcher.snapshot();
    }

    @Test
    void sigkillWithoutAPythonErrorIsTheHostOomKiller() {
        RunSnapshot quiet = output("Loading transformer\nQuantizing transformer\n");

        assertThat(AttemptVerdict.of(137, quiet).cause()).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(AttemptVerdict.of(-9, quiet).cause()).isEqualTo(FailureKind.HOST_OUT_OF_MEMORY);
        assertThat(AttemptVerdict.of(137, quiet).detail()).contains("out-of-memory killer");
    }

    @Test
    void sigkillAfterATracebackOrAnotherSignalIsKilled() {
        RunSnapshot traceback = output("Traceback (most recent call last):\n  File \"run.py\", line 9, in <module>\n"
                + "ValueError: bad\n");

        assertThat(AttemptVerdict.of(137, traceback).cause()).isEqualTo(FailureKind.KILLED);
        assertThat(AttemptVerdict.of(139, output(TRAINING)).cause()).isEqualTo(FailureKind.KILLED);
        assertThat(AttemptVerdict.of(139, output(TRAINING)).detail()).contains("signal 11");
    }

    @Test
    void sigintAndSigtermFromOutsideAreAStopNotAFailure() {
        assertThat(AttemptVerdict.of(143, output(TRAINING)).cause()).isEqualTo(FailureKind.INTERRUPTED);
        assertThat(AttemptVerdict.of(130, output(TRAINING)).cause()).isEqualTo(FailureKind.INTERRUPTED);
        String jobStopped = TRAINING + "\n========================================\nJob stopped\n"
                + "========================================\n";
        assertThat(AttemptVerdict.of(0, output(jobStopped)).cause()).isEqualTo(FailureKind.INTERRUPTED);
        assertThat(AttemptVerdict.of(null, output(jobStopped)).cause()).isEqualTo(FailureKind.INTERRUPTED);
        assertThat(AttemptVerdict.of(1, output(TRAINING + "Error running job: Job stopped\n")).cause())
                .isEqualTo(FailureKind.INTERRUPTED);
    }

    @Test
    void aLogAloneIsFinishedFailedOrUnfinished() {
        AttemptVerdict finished = AttemptVerdict.of(null, output(TRAINING + "Result:\n - 1 completed job\n"));
        AttemptVerdict unfinished = AttemptVerdict.of(null, output(TRAINING));
        AttemptVerdict failed = AttemptVerdict.of(null, output(TRAINING + "Error running job: x\n"));

        assertThat(finished.finished()).isTrue();
        assertThat(finished.cause()).isNull();
        assertThat(unfinished.finished()).isFalse();
        assertThat(unfinished.cause()).isNull();
        assertThat(failed.cause()).isEqualTo(FailureKind.CRASHED);
    }

    @Test
    void silenceInTheMiddleOfADownloadIsAXetStall() {
        String download = "Fetching 3 files:   0%|          | 0/3 [00:00<?, ?it/s]\n"
                + "diffusion_pytorch_model-00001-of-00003.safetensors:  45%|████▌     | 4.49G/9.98G [02:10<02:39, 34.4MB/s]";

        assertThat(AttemptVerdict.stall(output(download).downloading())).isEqualTo(FailureKind.XET_STALLED);
        assertThat(output(download).downloading())
                .isEqualTo("diffusion_pytorch_model-00001-of-00003.safetensors (45%, 4.49G of 9.98G)");
        assertThat(AttemptVerdict.stall(output(download + "\nLoading transformer\n").downloading())).isEqualTo(FailureKind.STALLED);
        assertThat(AttemptVerdict.stall(output(download + "\n" + TRAINING).downloading())).isEqualTo(FailureKind.STALLED);
    }

    @Test
    void theJobStoppedAfterTheSupervisorsStopForAStallIsNotTheUsers() {
        String stalled = TRAINING + "[aitk-launcher] stalled: no output and no progress for 1 s at step 240\n"
                + "Job stopped\n";
        String warnedThenStopped = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='hub.invalid', "
                + "port=443): Max retries exceeded\n" + TRAINING + "Job stopped\n";

        assertThat(AttemptVerdict.of(null, output(stalled)).cause()).isEqualTo(FailureKind.STALLED);
        assertThat(AttemptVerdict.of(null, output(warnedThenStopped)).cause())
                .isEqualTo(FailureKind.INTERRUPTED);
    }
}
