package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Line splitting and watching in bounded memory, fed the way the reader thread feeds them. */
class LogWatcherTest {
    private final AtomicLong nanos = new AtomicLong();
    private final LogWatcher watcher = new LogWatcher("flux_inpaint_v1", 16 * 1024, nanos::get);
    private final LineSplitter splitter = new LineSplitter(16 * 1024, watcher);

    private void feed(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        splitter.feed(b, 0, b.length);
    }

    @Test
    void theRealTqdmStreamFedInOddChunksEndsAtTheLastStep() throws IOException {
        byte[] all;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/h100/tqdm-train.stderr")) {
            all = in.readAllBytes();
        }
        for (int i = 0; i < all.length; i += 7) {
            splitter.feed(all, i, Math.min(7, all.length - i));
        }
        RunSnapshot s = watcher.snapshot();
        assertThat(s.step()).isEqualTo(40);
        assertThat(s.totalSteps()).isEqualTo(40);
        assertThat(s.loss()).isEqualTo(1.25e-2);
    }

    @Test
    void theBarBeingDrawnCountsBeforeItsCarriageReturnArrives() {
        feed("\rflux_inpaint_v1:  50%|█████     | 20/40 [00:20<00:20,  1.00s/it, lr: 1.0e-04 loss: 2.0e-01]");
        assertThat(watcher.snapshot().step()).isEqualTo(20);
    }

    @Test
    void aOneMegabyteLineWithoutNewlineIsCutNotHeld() {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 16; i++) {
            splitter.feed(chunk, 0, chunk.length);
        }
        feed("\nafter\n");
        RunSnapshot s = watcher.snapshot();
        assertThat(s.lastLines()).hasSize(2);
        assertThat(s.lastLines().get(0)).hasSizeLessThan(4096).endsWith("[...]");
        assertThat(s.lastLines().get(1)).isEqualTo("after");
    }

    @Test
    void keepsOnlyTheLastTracebackAndItsHeadAndTailWhenHuge() {
        feed("Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: first\n");
        StringBuilder big = new StringBuilder("Traceback (most recent call last):\n");
        for (int i = 0; i < 10_000; i++) {
            big.append("  File \"deep.py\", line ").append(i).append(", in f\n");
        }
        big.append("RecursionError: maximum recursion depth exceeded\n");
        feed(big.toString());
        feed("some line after\n");
        RunSnapshot s = watcher.snapshot();
        assertThat(s.lastTraceback()).hasSizeLessThanOrEqualTo(201);
        assertThat(s.lastTraceback().get(0)).startsWith("Traceback");
        assertThat(s.lastTraceback()).last().isEqualTo("RecursionError: maximum recursion depth exceeded");
        assertThat(s.lastTraceback()).noneMatch(l -> l.contains("ValueError: first"));
        assertThat(s.lastTraceback()).anyMatch(l -> l.contains("lines left out"));
    }

    @Test
    void aTracebackPrintedWhileTheBarWasOpenIsStillSeen() {
        feed("\rflux_inpaint_v1:  10%|█         | 4/40 [00:04<00:36,  1.00s/it, lr: 1.0e-04 loss: 2.0e-01]"
                + "Traceback (most recent call last):\n  File \"x.py\", line 3\nRuntimeError: boom\n");
        RunSnapshot s = watcher.snapshot();
        assertThat(s.step()).isEqualTo(4);
        assertThat(s.lastTraceback()).containsExactly("Traceback (most recent call last):", "  File \"x.py\", line 3",
                "RuntimeError: boom");
    }

    @Test
    void savesResumesAndOomSkipsAreCounted() {
        feed("#### IMPORTANT RESUMING FROM out/a_000000250.safetensors ####\n"
                + "Found step 250 in metadata, starting from there\n"
                + "# OOM during training step, skipping batch 1/3 #\n"
                + "# OOM during training step, skipping batch 2/3 #\n"
                + "Saving at step 500\n");
        assertThat(watcher.snapshot().saving()).isTrue();
        feed("Saved checkpoint to out/a_000000500.safetensors\n");
        RunSnapshot s = watcher.snapshot();
        assertThat(s.saving()).isFalse();
        assertThat(s.resumedFromStep()).isEqualTo(250);
        assertThat(s.oomSkippedBatches()).isEqualTo(2);
        assertThat(s.lastCheckpoint()).isEqualTo("out/a_000000500.safetensors");
        assertThat(watcher.drainNotes()).hasSize(6);
    }

    @Test
    void errorRunningJobBeatsAnEarlierWarningAsTheCause() {
        feed("requests.exceptions.ConnectionError: retrying\n");
        feed("Error running job: CUDA out of memory. Tried to allocate 2.00 GiB\n");
        assertThat(watcher.snapshot().failure()).isEqualTo(FailureKind.OUT_OF_MEMORY);
        assertThat(watcher.snapshot().jobError()).isTrue();
    }
}
