package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Redaction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs run.py until it finishes, within an attempt budget: each start is an {@link AttemptRunner}; after a
 * failed one the {@link Recovery} says whether and how to start again; {@link RunRecorder} writes run.json
 * after every attempt. A stop asked for from outside ({@link #requestStop}) ends the current attempt through
 * {@link GracefulStop}. Never prints: the listener hears everything.
 */
public final class Supervisor {
    private final Clock clock;
    private final SupervisorListener listener;
    private final StopRequest stop = new StopRequest();
    private final AttemptRunner attempts;
    private volatile boolean active;

    /** {@code launcherEnvironment} is the launcher's own (PATH for setsid and kill, the OS). */
    public Supervisor(Environment launcherEnvironment, Clock clock, SupervisorListener listener) {
        this(launcherEnvironment, clock, listener, childEnvironment -> null);
    }

    /**
     * The same, watching run.py's own downloads in the hub cache {@code hubCacheOf} names for a child environment
     * (its partial files are the only sign of them: huggingface_hub prints no progress into a pipe).
     */
    public Supervisor(Environment launcherEnvironment, Clock clock, SupervisorListener listener,
                      Function<Map<String, String>, Path> hubCacheOf) {
        this.clock = clock;
        this.listener = listener;
        this.attempts = new AttemptRunner(launcherEnvironment, clock, listener, stop, hubCacheOf);
    }

    /**
     * Asks the running attempt to stop: SIGINT to its group, the grace period (longer while a checkpoint is
     * being written), SIGTERM, then SIGKILL. A second call skips what is left of the waiting. Thread-safe;
     * a signal handler calls it.
     */
    public void requestStop(String reason) {
        stop.ask(reason);
    }

    /** Waits until no run is in progress (for a shutdown hook that must not let the JVM exit too early). */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Runs {@code first} to the end and returns the record also written to {@code first.recordFile()}. */
    public RunRecord run(RunSpec first, RecoveryPolicy policy, Recovery recovery) {
        active = true;
        try {
            return runAttempts(first, policy, recovery);
        } finally {
            active = false;
        }
    }

    private RunRecord runAttempts(RunSpec first, RecoveryPolicy policy, Recovery recovery) {
        RunRecorder recorder = new RunRecorder(clock, first.recordFile());
        List<AttemptRecord> done = new ArrayList<>();
        RunSpec spec = first;
        String startReason = "first start";
        Map<String, String> changes = Map.of();
        for (int n = 1; ; n++) {
            if (stop.asked()) {
                return recorder.finish(spec, done, attempts.lastChildCommand(), ExitCode.INTERRUPTED,
                        FailureKind.INTERRUPTED, "stopped before attempt " + n + " started (" + stop.reason() + ")");
            }
            listener.attemptStarting(n, policy.maxAttempts(), spec, startReason);
            AttemptRecord attempt = attempts.run(n, spec, policy, startReason, changes, done);
            done.add(attempt);
            listener.attemptEnded(attempt);
            if (attempt.succeeded()) {
                return recorder.finish(spec, done, attempts.lastChildCommand(), ExitCode.OK, null, "training finished");
            }
            FailureKind cause = attempt.cause();
            if (cause == FailureKind.INTERRUPTED) {
                return recorder.finish(spec, done, attempts.lastChildCommand(), ExitCode.INTERRUPTED, cause,
                        "stopped (" + (stop.reason() == null ? "run.py received SIGINT" : stop.reason())
                                + "); run the same command again to resume from the newest checkpoint");
            }
            if (n >= policy.maxAttempts()) {
                return recorder.finish(spec, done, attempts.lastChildCommand(), cause.exitCode(), cause,
                        cause.title() + " on attempt " + n + " of " + n + ", the last the budget allows ("
                                + (attempt.detail() == null ? "exit " + attempt.exitCode() : attempt.detail()) + ")");
            }
            Recovery.Decision decision = recovery.after(spec, attempt);
            if (decision instanceof Recovery.GiveUp giveUp) {
                return recorder.finish(spec, done, attempts.lastChildCommand(), giveUp.exit(), cause, giveUp.message());
            }
            Recovery.Retry retry = (Recovery.Retry) decision;
            done.set(done.size() - 1, attempt.withNextAction(retry.reason()));
            recorder.running(spec, done, attempts.lastChildCommand(), "attempt " + n + " failed; " + retry.reason());
            listener.note(retry.reason());
            if (!retry.delay().isZero() && !sleepUnlessStopped(retry.delay())) {
                return recorder.finish(spec, done, attempts.lastChildCommand(), ExitCode.INTERRUPTED,
                        FailureKind.INTERRUPTED, "stopped while waiting to retry (" + stop.reason() + ")");
            }
            changes = Redaction.changes(spec.environment(), retry.next().environment());
            spec = retry.next();
            startReason = retry.reason();
        }
    }

    private boolean sleepUnlessStopped(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (stop.asked()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stop.asked();
    }
}
