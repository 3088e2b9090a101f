package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the launcher decides what to do after a failed attempt, by the failure's {@link FailureKind.Recovery}:
 * out of GPU memory asks the {@link Replanner} for a smaller plan and resumes from the newest checkpoint; a
 * failed fast download restarts with the fast path off; a file missing from the offline cache restarts online;
 * a network error or a stall waits (three times longer each time) and restarts; a checkpoint cut off while
 * saving is moved out of the run's folder and the run resumes from the one before; anything else ends the run,
 * since the same run would fail the same way. One instance per run: it counts that run's waits.
 */
public final class RecoveryDecision implements Recovery {
    static final String OFFLINE_VARIABLE = "HF_HUB_OFFLINE";

    private final Duration retryBackoff;
    private final Replanner replanner;
    private final Map<String, String> fastDownloadOff;
    private final boolean stayOffline;
    private int waits;

    /**
     * @param retryBackoff    the first wait before a network retry
     * @param replanner       the smaller plan after an out-of-memory ({@link Replanner#none()} when there is none)
     * @param fastDownloadOff the variables that turn every fast download path off (the child environment's
     *                        builder knows which huggingface_hub reads)
     */
    public RecoveryDecision(Duration retryBackoff, Replanner replanner, Map<String, String> fastDownloadOff) {
        this(retryBackoff, replanner, fastDownloadOff, false);
    }

    private RecoveryDecision(Duration retryBackoff, Replanner replanner, Map<String, String> fastDownloadOff,
                             boolean stayOffline) {
        this.retryBackoff = retryBackoff;
        this.replanner = replanner;
        this.fastDownloadOff = Collections.unmodifiableMap(new LinkedHashMap<>(fastDownloadOff));
        this.stayOffline = stayOffline;
    }

    /** The same decisions, except that a file missing from the cache never sends run.py online (--offline). */
    public RecoveryDecision offline() {
        return new RecoveryDecision(retryBackoff, replanner, fastDownloadOff, true);
    }

    @Override
    public synchronized Decision after(RunSpec failed, AttemptRecord attempt) {
        FailureKind cause = attempt.cause();
        return switch (cause.recovery()) {
            case REPLAN_SMALLER -> replanSmaller(failed, attempt);
            case FAST_PATH_OFF -> fastPathOff(failed, attempt);
            case GO_ONLINE -> stayOffline ? giveUp(attempt, "--offline keeps run.py off the network")
                    : failed.environment().containsKey(OFFLINE_VARIABLE) ? goOnline(failed, cause)
                    : backoff(failed, cause);
            case RETRY_WITH_BACKOFF -> backoff(failed, cause);
            case SET_ASIDE_CHECKPOINT -> setAsideCutOffCheckpoint(failed, attempt);
            case STOP, NONE -> giveUp(attempt, null);
        };
    }

    private Decision replanSmaller(RunSpec failed, AttemptRecord attempt) {
        Optional<Replanner.Replan> replan;
        try {
            replan = replanner.afterOutOfMemory(failed, attempt);
        } catch (LauncherException e) {
            return new GiveUp(e.exitCode(), e.getMessage());
        }
        return replan.<Decision>map(r -> new Retry(r.spec(), "out of GPU memory: re-planned smaller (" + r.reason()
                + "); resuming from the newest checkpoint", Duration.ZERO))
                .orElseGet(() -> giveUp(attempt, "no smaller plan is available"));
    }

    private Decision fastPathOff(RunSpec failed, AttemptRecord attempt) {
        boolean alreadyOff = !fastDownloadOff.isEmpty() && fastDownloadOff.entrySet().stream()
                .allMatch(e -> e.getValue().equals(failed.environment().get(e.getKey())));
        if (alreadyOff || fastDownloadOff.isEmpty()) {
            return giveUp(attempt, "the fast download path was already off");
        }
        List<String> set = fastDownloadOff.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return new Retry(failed.withEnvironment(fastDownloadOff), attempt.cause().title()
                + ": restarting with the fast download path off (" + String.join(", ", set) + ")", Duration.ZERO);
    }

    private static Decision goOnline(RunSpec failed, FailureKind cause) {
        Map<String, String> online = new HashMap<>();
        online.put(OFFLINE_VARIABLE, null);
        return new Retry(failed.withEnvironment(online), cause.title() + ": restarting without " + OFFLINE_VARIABLE
                + " so run.py may download it", Duration.ZERO);
    }

    private static Decision setAsideCutOffCheckpoint(RunSpec failed, AttemptRecord attempt) {
        Optional<Path> cut = CutOffCheckpoint.newestIn(failed.checkpointDirectory(), failed.name());
        if (cut.isEmpty()) {
            return giveUp(attempt, "it is not a checkpoint of this run");
        }
        try {
            Path aside = CutOffCheckpoint.setAside(cut.get());
            return new Retry(failed, "checkpoint " + cut.get().getFileName() + " was cut off while saving: moved to "
                    + aside + "; resuming from the checkpoint before it", Duration.ZERO);
        } catch (IOException e) {
            return giveUp(attempt, "moving " + cut.get() + " aside failed (" + e.getMessage() + ")");
        }
    }

    private Decision backoff(RunSpec failed, FailureKind cause) {
        Duration wait = retryBackoff.multipliedBy((long) Math.pow(3, Math.min(waits, 6)));
        waits++;
        return new Retry(failed, cause.title() + ": retrying in " + Durations.human(wait), wait);
    }

    /** "TITLE (DETAIL)", or "TITLE and WHY (DETAIL)" when a recovery existed but could not be used. */
    private static Decision giveUp(AttemptRecord attempt, String whyNot) {
        FailureKind cause = attempt.cause();
        String detail = attempt.detail() == null ? "exit " + attempt.exitCode() : attempt.detail();
        return new GiveUp(cause.exitCode(), cause.title() + (whyNot == null ? "" : " and " + whyNot)
                + " (" + detail + ")");
    }
}
