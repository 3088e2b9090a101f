package dev.aitk.launcher.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.cli.PrefetchProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress a person can read: bars on a terminal, periodic plain lines elsewhere, notices as their own lines. */
class PrefetchProgressTest {
    private static PrefetchPlan plan(long resumableBytes) {
        return PrefetchPlan.of(List.of(new PrefetchPlan.RepoPlan("model.name_or_path", "black-forest-labs/FLUX.1-dev", "main",
                "0123456789abcdef0123456789abcdef01234567", List.of("transformer"), "diffusers repo: model_index.json and the components transformer",
                List.of(new PrefetchPlan.PlannedFile("transformer/a.safetensors", 4 << 20, false, resumableBytes),
                        new PrefetchPlan.PlannedFile("model_index.json", 500, true)))), false);
    }

    /**
     * Polls until every expected text is printed (or 30 s pass): the printer thread may tick before the bytes are
     * recorded, and prints a frame line by line, so waiting for one marker could read a stale or half-drawn frame.
     */
    private static String waitForAll(StringWriter sink, String... texts) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !Arrays.stream(texts).allMatch(sink.toString()::contains)) {
            Thread.sleep(10);
        }
        return sink.toString();
    }

    @Test
    void withoutATerminalItPrintsThePlanThenPlainPeriodicLinesAndNoticesCountingOnlyWhatIsFetchedNow() throws InterruptedException {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        PrefetchProgress p = new PrefetchProgress(new PrintWriter(err, true), false, new PrintWriter(out, true), Duration.ofMillis(20));
        try {
            // An interrupted download left 1 MiB of the file: it is neither to download nor fetched now.
            p.planned(plan(1 << 20));
            p.fileStarted("black-forest-labs/FLUX.1-dev", "transformer/a.safetensors", 4 << 20, 1 << 20);
            p.transferred("black-forest-labs/FLUX.1-dev", "transformer/a.safetensors", 1 << 20);
            p.notice(new Notice(Notice.Kind.STALL, "black-forest-labs/FLUX.1-dev", "transformer/a.safetensors",
                    "stall: no bytes for 60 s at byte 2097152 on transformer/a.safetensors chunk 1/1, retrying (attempt 2 of 6)"));
            String text = waitForAll(err, "stall: no bytes for 60 s", "prefetch: total 1.0 MiB / 3.0 MiB (33%)",
                    "active: transformer/a.safetensors");
            assertThat(out.toString()).contains("black-forest-labs/FLUX.1-dev @ main (commit 0123456789ab)",
                    "Plan: 2 file(s), 4.0 MiB in all, 500 B already cached, 1.0 MiB kept from an interrupted download "
                            + "(resumed, not fetched again), 3.0 MiB to download.");
            assertThat(text).contains("stall: no bytes for 60 s", "prefetch: total 1.0 MiB / 3.0 MiB (33%)", "active: transformer/a.safetensors");
            assertThat(p.fetchedNowBytes()).isEqualTo(1 << 20);
            assertThat(text).doesNotContain("\033[");
        } finally {
            p.stop();
        }
    }

    @Test
    void onATerminalItDrawsABarPerActiveFileAndATotal() throws InterruptedException {
        StringWriter err = new StringWriter();
        PrefetchProgress p = new PrefetchProgress(new PrintWriter(err, true), true, null, Duration.ofMillis(20));
        try {
            p.planned(plan(0));
            p.fileStarted("black-forest-labs/FLUX.1-dev", "transformer/a.safetensors", 4 << 20, 0);
            p.transferred("black-forest-labs/FLUX.1-dev", "transformer/a.safetensors", 3 << 20);
            String text = waitForAll(err, "[##################      ]", " 75% 4.0 MiB", "total 3.0 MiB / 4.0 MiB (75%)", "ETA");
            assertThat(text).contains("transformer/a.safetensors", " 75% 4.0 MiB", "total 3.0 MiB / 4.0 MiB (75%)", "ETA");
        } finally {
            p.stop();
        }
    }
}
