package dev.aitk.launcher.supervise;

/**
 * What a supervised run reports while it goes; the command prints it (a status line on a terminal, plain
 * lines otherwise). Every call comes from the thread that called {@link Supervisor#run}.
 */
public interface SupervisorListener {
    default void attemptStarting(int attempt, int maxAttempts, RunSpec spec, String reason) {
    }

    /** Called a few times a second while the child runs. */
    default void progress(RunSnapshot snapshot) {
    }

    /** Saves, resumes, OOM skips, failures, as they appear in the output. */
    default void event(LogEvent event) {
    }

    /** The supervisor's own decisions: stopping, stall detected, recovery chosen. */
    default void note(String message) {
    }

    default void attemptEnded(AttemptRecord attempt) {
    }

    SupervisorListener SILENT = new SupervisorListener() {
    };
}
