package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.ExitCode;
import java.time.Duration;

/**
 * What the supervisor asks after an attempt failed and the attempt budget allows another: start again (the
 * same run or a changed one, perhaps after a wait) or end the run. {@link RecoveryDecision} is the launcher's
 * answer; the supervisor only carries it out.
 */
@FunctionalInterface
public interface Recovery {

    Decision after(RunSpec failed, AttemptRecord attempt);

    /** {@link Retry} or {@link GiveUp}. */
    sealed interface Decision permits Retry, GiveUp {
    }

    /** Start {@code next} after {@code delay}; {@code reason} goes into the record and the output. */
    record Retry(RunSpec next, String reason, Duration delay) implements Decision {
    }

    /** End the run with {@code exit}; {@code message} is the record's one sentence. */
    record GiveUp(ExitCode exit, String message) implements Decision {
    }
}
