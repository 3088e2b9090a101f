package dev.aitk.launcher.supervise;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How an attempt is stopped: SIGINT to its group (ai-toolkit prints "Job stopped" and exits), the grace period,
 * SIGTERM, then SIGKILL. A checkpoint being written holds the SIGINT back, within the grace period, so the
 * newest checkpoint is never cut in half. Asking to stop again skips what is left of the waiting.
 */
final class GracefulStop {
    private static final Duration TERM_WAIT = Duration.ofSeconds(5);

    private final StopRequest stop;
    private final SupervisorListener listener;

    GracefulStop(StopRequest stop, SupervisorListener listener) {
        this.stop = stop;
        this.listener = listener;
    }

    void stop(ProcessTree tree, Process process, LogWatcher watcher, Duration gracePeriod, LogSink sink)
            throws InterruptedException {
        int requests = stop.count();
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        if (watcher.snapshot().saving()) {
            listener.note("a checkpoint is being written; stopping when it is saved");
            sink.note("holding the stop until the checkpoint is saved");
            while (watcher.snapshot().saving() && process.isAlive() && System.nanoTime() < deadline
                    && stop.count() == requests) {
                Thread.sleep(50);
            }
        }
        if (tree.signal("INT")) {
            if (waitOrEscalate(process, deadline, requests)) {
                return;
            }
            sink.note("run.py did not stop after SIGINT; sending SIGTERM");
        }
        tree.signal("TERM");
        if (process.waitFor(TERM_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        sink.note("run.py did not stop after SIGTERM; sending SIGKILL");
        tree.killEverything();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private boolean waitOrEscalate(Process process, long deadline, int requests) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (stop.count() > requests) {
                return false;
            }
        }
        return !process.isAlive();
    }

    /** Whatever the child left in its group (dataloader workers) goes too, whether it exited or was stopped. */
    static void sweep(ProcessTree tree) throws InterruptedException {
        if (tree.groupMembers().isEmpty()) {
            return;
        }
        tree.signal("TERM");
        if (!tree.awaitGroupGone(Duration.ofSeconds(3))) {
            tree.killEverything();
            tree.awaitGroupGone(Duration.ofSeconds(5));
        }
    }
}
