package dev.aitk.launcher.supervise;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How one run of run.py ended, decided once for the live supervisor (which knows the exit code) and for
 * {@code diagnose} (which may have only the log). {@code cause} is null when the run finished, or, for a log
 * alone, when it shows neither an end nor a failure ({@code finished} false: still running, or cut off).
 */
public record AttemptVerdict(FailureKind cause, String detail, boolean finished) {
    private static final int SIGINT = 2;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    /** What the supervisor stops run.py for (with SIGINT, so the log then says "Job stopped" too). */
    private static final Set<FailureKind> STOPPED_FOR = EnumSet.of(FailureKind.STALLED, FailureKind.XET_STALLED,
            FailureKind.NAN_LOSS);

    /** The supervisor ended the attempt itself: a stop, a stall, a NaN loss. */
    public static AttemptVerdict endedBySupervisor(FailureKind cause, String detail) {
        return failed(cause, detail);
    }

    /** The verdict on an attempt that ended by itself; {@code exitCode} is null when only the log is known. */
    public static AttemptVerdict of(Integer exitCode, RunSnapshot s) {
        boolean stoppedForAFailure = STOPPED_FOR.contains(s.failure());
        if (s.failure() == FailureKind.INTERRUPTED || (s.jobStopped() && !s.jobError() && !stoppedForAFailure)) {
            return failed(FailureKind.INTERRUPTED, s.failure() == FailureKind.INTERRUPTED
                    ? shorten(s.failureLine()) : "run.py received SIGINT (Ctrl+C) and stopped its job");
        }
        boolean exitedCleanly = exitCode == null ? s.jobCompleted() : exitCode == 0;
        if (exitedCleanly && !s.jobError()) {
            return new AttemptVerdict(null, s.jobCompleted() ? "run.py finished its job" : "run.py exited with 0", true);
        }
        if (s.failure() != null) {
            return failed(s.failure(), shorten(s.failureLine()));
        }
        Integer signal = signal(exitCode);
        if (signal != null) {
            return bySignal(signal, s);
        }
        List<String> tb = s.lastTraceback();
        if (exitCode == null && tb.isEmpty()) {
            return new AttemptVerdict(null, "the log stops without an end or an error", false);
        }
        String last = !tb.isEmpty() ? tb.get(tb.size() - 1)
                : s.lastLines().isEmpty() ? "no output" : s.lastLines().get(s.lastLines().size() - 1);
        return failed(FailureKind.CRASHED, (exitCode == null ? "" : "exit " + exitCode + ": ") + shorten(last));
    }

    /**
     * What a stall is, judged when it is seen (lines printed while stopping come later): silence in the middle
     * of a Hub download ({@code downloading}: a download bar last in the output, or this attempt's partial file in
     * the cache; null when neither) is Xet hanging (xet-core #883, #898), anything else a plain stall.
     */
    public static FailureKind stall(String downloading) {
        return downloading != null ? FailureKind.XET_STALLED : FailureKind.STALLED;
    }

    /** The signal that ended the process: a shell's and Java's 128+N, or Python's -N. */
    public static Integer signal(Integer exitCode) {
        if (exitCode == null) {
            return null;
        }
        if (exitCode > 128 && exitCode < 160) {
            return exitCode - 128;
        }
        return exitCode < 0 && exitCode > -32 ? -exitCode : null;
    }

    private static AttemptVerdict bySignal(int signal, RunSnapshot s) {
        if (signal == SIGINT || signal == SIGTERM) {
            return failed(FailureKind.INTERRUPTED, "run.py was stopped by " + (signal == SIGINT ? "SIGINT" : "SIGTERM")
                    + " from outside the launcher (Ctrl+C, kill, or a scheduler's time limit)");
        }
        if (signal == SIGKILL && s.lastTraceback().isEmpty()) {
            return failed(FailureKind.HOST_OUT_OF_MEMORY, "run.py was killed by SIGKILL with no Python error: "
                    + "the kernel's out-of-memory killer (or kill -9)");
        }
        return failed(FailureKind.KILLED, "run.py was killed by signal " + signal);
    }

    private static AttemptVerdict failed(FailureKind cause, String detail) {
        return new AttemptVerdict(cause, detail, false);
    }

    private static String shorten(String line) {
        if (line == null) {
            return null;
        }
        String t = line.strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
