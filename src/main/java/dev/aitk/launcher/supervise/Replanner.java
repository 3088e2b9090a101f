package dev.aitk.launcher.supervise;

import java.util.Optional;

/**
 * The launch pipeline's answer to an out-of-memory attempt: a smaller plan rendered into a new config (same
 * {@code config.name} and {@code training_folder}, so run.py resumes from its newest checkpoint). Empty
 * when nothing smaller fits; throwing a {@link dev.aitk.launcher.util.LauncherException} ends the run with
 * its exit code and message.
 */
@FunctionalInterface
public interface Replanner {

    Optional<Replan> afterOutOfMemory(RunSpec failed, AttemptRecord attempt);

    /** {@code spec} to run next, the one-line reason (e.g. "batch 4 -> 2: 71.2 GiB predicted, cap 60 GiB"). */
    record Replan(RunSpec spec, String reason) {
    }

    /** For runs without a planner behind them (an existing config): an OOM cannot be re-planned. */
    static Replanner none() {
        return (failed, attempt) -> Optional.empty();
    }
}
