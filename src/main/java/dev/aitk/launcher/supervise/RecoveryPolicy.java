package dev.aitk.launcher.supervise;

import java.time.Duration;

/**
 * How hard the supervisor tries. {@code maxAttempts} counts every start (first one included), so a run
 * never loops forever; {@code gracePeriod} is how long SIGINT (ai-toolkit's clean stop) and a checkpoint
 * being written are given before SIGTERM; {@code stallTimeout} is how long without output or progress
 * counts as stuck; {@code retryBackoff} is the first wait before a network retry (tripled each time);
 * {@code failureExitWait} is how long a child that reported its error may take to exit by itself.
 */
public record RecoveryPolicy(int maxAttempts, Duration gracePeriod, Duration stallTimeout, Duration retryBackoff,
                             Duration failureExitWait) {

    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(30);

    public RecoveryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed, got " + maxAttempts);
        }
    }

    /** 4 starts, 30 s grace, 30 min stall timeout (FLUX model loading is silent for minutes), 15 s backoff. */
    public static RecoveryPolicy defaults() {
        return new RecoveryPolicy(4, DEFAULT_GRACE_PERIOD, DEFAULT_STALL_TIMEOUT, Duration.ofSeconds(15),
                Duration.ofSeconds(60));
    }

    public RecoveryPolicy withMaxAttempts(int n) {
        return new RecoveryPolicy(n, gracePeriod, stallTimeout, retryBackoff, failureExitWait);
    }

    public RecoveryPolicy withGracePeriod(Duration d) {
        return new RecoveryPolicy(maxAttempts, d, stallTimeout, retryBackoff, failureExitWait);
    }

    public RecoveryPolicy withStallTimeout(Duration d) {
        return new RecoveryPolicy(maxAttempts, gracePeriod, d, retryBackoff, failureExitWait);
    }
}
