package dev.aitk.launcher.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one retry loop: counted tries with doubling backoff, progress starting over, server waits within a budget. */
class RetryTest {
    private final List<Duration> slept = new ArrayList<>();
    private final Retry retry = new Retry(new Retry.Policy(4, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(10)),
            slept::add, () -> 1.0);

    /** An action that fails {@code failures} times with {@code failure}, then returns "done". */
    private static Retry.Action<String, IOException> failing(int failures, IOException failure, AtomicInteger calls) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw failure;
            }
            return "done";
        };
    }

    @Test
    void transientFailuresAreRetriedWithADoublingCappedBackoffAndSaidAloud() throws Exception {
        List<String> heard = new ArrayList<>();
        Retry.Listener listener = new Retry.Listener() {
            @Override
            public void retrying(Exception failure, int nextAttempt, int maxAttempts, Duration wait) {
                heard.add(failure.getMessage() + ": attempt " + nextAttempt + " of " + maxAttempts + " after " + wait.toMillis() + " ms");
            }
        };

        String result = retry.run(failing(3, new IOException("reset"), new AtomicInteger()), e -> Retry.Verdict.retry(), listener);

        assertThat(result).isEqualTo("done");
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300));
        assertThat(heard).containsExactly("reset: attempt 2 of 4 after 100 ms", "reset: attempt 3 of 4 after 200 ms",
                "reset: attempt 4 of 4 after 300 ms");
    }

    @Test
    void theTriesRunOutAfterMaxAttemptsOrTheVerdictsLowerLimit() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(failing(99, new IOException("500"), calls), e -> Retry.Verdict.retry(), Retry.Listener.NONE))
                .isInstanceOfSatisfying(Retry.Exhausted.class, e -> {
                    assertThat(e.failures()).isEqualTo(4);
                    assertThat(e.waitBudgetSpent()).isFalse();
                    assertThat(e.last()).hasMessage("500");
                });
        assertThat(calls).hasValue(4);

        AtomicInteger dns = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(failing(99, new IOException("unknown host"), dns), e -> Retry.Verdict.retryAtMost(2), Retry.Listener.NONE))
                .isInstanceOf(Retry.Exhausted.class);
        assertThat(dns).hasValue(2);
    }

    @Test
    void aTryThatMadeProgressStartsTheCountOver() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.run(failing(10, new IOException("cut after some bytes"), calls), e -> Retry.Verdict.retryAfterProgress(),
                Retry.Listener.NONE);

        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(11);
        assertThat(slept).allMatch(Duration.ofMillis(100)::equals);
    }

    @Test
    void serverWaitsAreNotCountedButSpendTheirOwnBudget() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.run(failing(6, new IOException("429"), calls), e -> Retry.Verdict.waitFor(Duration.ofSeconds(1)), Retry.Listener.NONE);
        assertThat(result).isEqualTo("done");
        assertThat(slept).hasSize(6).allMatch(Duration.ofSeconds(1)::equals);

        assertThatThrownBy(() -> retry.run(failing(99, new IOException("429"), new AtomicInteger()),
                e -> Retry.Verdict.waitFor(Duration.ofSeconds(4)), Retry.Listener.NONE))
                .isInstanceOfSatisfying(Retry.Exhausted.class, e -> assertThat(e.waitBudgetSpent()).isTrue());
    }

    @Test
    void aFailureJudgedFinalIsThrownAsItIsAndRuntimeExceptionsPassStraightThrough() {
        IOException gated = new IOException("gated");
        assertThatThrownBy(() -> retry.run(failing(1, gated, new AtomicInteger()), e -> Retry.Verdict.giveUp(), Retry.Listener.NONE))
                .isSameAs(gated);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "not found");
        }, e -> Retry.Verdict.retry(), Retry.Listener.NONE)).hasMessage("not found");
        assertThat(calls).hasValue(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void retryNowIsImmediateAndUncounted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertThat(retry.run(failing(7, new IOException("link expired"), calls), e -> Retry.Verdict.retryNow(), Retry.Listener.NONE))
                .isEqualTo("done");
        assertThat(slept).isEmpty();
    }
}
