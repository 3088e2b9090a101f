package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Redaction;
import java.util.List;
import java.util.Map;

/**
 * One start of run.py: when, how it ended ({@code cause} null when it finished), what the supervisor did
 * next and why. {@code lastLoss} is the newest loss the training bar showed. {@code environmentChanges} are
 * the variables this attempt changed against the previous one
 * (e.g. the fast download path turned off); {@code traceback} is the last one it printed, kept whole.
 */
public record AttemptRecord(
        int number,
        String startedAt,
        String endedAt,
        Integer exitCode,
        FailureKind cause,
        String detail,
        String logFile,
        Long resumedFromStep,
        Long lastStep,
        Long totalSteps,
        Double secondsPerStep,
        Double lastLoss,
        int oomSkippedBatches,
        String startReason,
        Map<String, String> environmentChanges,
        String nextAction,
        List<String> traceback) {

    public AttemptRecord {
        environmentChanges = environmentChanges == null ? Map.of() : Map.copyOf(environmentChanges);
        // run.py's own words may carry a URL with a password in it (a proxy, a mirror): never recorded.
        detail = Redaction.urlCredentials(detail);
        traceback = traceback == null ? List.of() : traceback.stream().map(Redaction::urlCredentials).toList();
    }

    public boolean succeeded() {
        return cause == null;
    }

    AttemptRecord withLogFile(String path) {
        return new AttemptRecord(number, startedAt, endedAt, exitCode, cause, detail, path, resumedFromStep, lastStep,
                totalSteps, secondsPerStep, lastLoss, oomSkippedBatches, startReason, environmentChanges, nextAction,
                traceback);
    }

    AttemptRecord withNextAction(String action) {
        return new AttemptRecord(number, startedAt, endedAt, exitCode, cause, detail, logFile, resumedFromStep,
                lastStep, totalSteps, secondsPerStep, lastLoss, oomSkippedBatches, startReason, environmentChanges,
                action, traceback);
    }
}
