package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.supervise.FailureKind;
import java.util.List;

/**
 * What {@code diagnose} found in a log or run record: how the run ended, the failure and the line that shows
 * it, at which step, the model it trained, and the fix. {@code outcome} is "finished", "failed",
 * "interrupted" (stopped by the user: not a failure; {@code fix} then says how to resume) or "unfinished"
 * (the log just stops: still running, or cut off).
 */
public record Diagnosis(
        String file,
        String source,
        String outcome,
        FailureKind failure,
        String title,
        String evidence,
        Long step,
        Long totalSteps,
        Long resumedFromStep,
        int oomSkippedBatches,
        String lastCheckpoint,
        String model,
        String whatTheLauncherDoes,
        String fix,
        List<String> details,
        List<String> traceback) {

    public Diagnosis {
        details = List.copyOf(details);
        traceback = List.copyOf(traceback);
    }

    public boolean stoppedByUser() {
        return failure == FailureKind.INTERRUPTED;
    }
}
