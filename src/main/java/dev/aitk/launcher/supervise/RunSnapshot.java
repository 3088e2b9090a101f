package dev.aitk.launcher.supervise;

import java.util.List;

/**
 * What one attempt's output has said so far. {@code step}/{@code totalSteps} are null before the first
 * training bar; {@code failure} is the most telling failure seen ({@code Error running job} beats a warning).
 * {@code downloading} is the Hub transfer the output shows last ({@code model.safetensors 45% of 23.8G}), null
 * when something else came after it.
 */
public record RunSnapshot(
        Long step,
        Long totalSteps,
        Double secondsPerStep,
        Long etaSeconds,
        Double learningRate,
        Double loss,
        int oomSkippedBatches,
        boolean saving,
        Long lastSavedStep,
        String lastCheckpoint,
        Long resumedFromStep,
        String resumedFrom,
        FailureKind failure,
        String failureLine,
        boolean jobError,
        boolean jobStopped,
        boolean jobCompleted,
        List<String> lastTraceback,
        List<String> lastLines,
        long bytesRead,
        String downloading) {

    public RunSnapshot {
        lastTraceback = List.copyOf(lastTraceback);
        lastLines = List.copyOf(lastLines);
    }

    /** Percent done, or null before the first training bar. */
    public Double percent() {
        return step == null || totalSteps == null || totalSteps == 0 ? null : 100.0 * step / totalSteps;
    }
}
