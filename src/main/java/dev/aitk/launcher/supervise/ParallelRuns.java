package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.ExitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Several jobs at once, one run.py per GPU (a sweep, several configs): each has its own supervisor, thread,
 * log and record; a stop reaches all of them. Each run's thread lives as long as its child, as the
 * parent-death signal needs.
 */
public final class ParallelRuns {
    private final List<Supervisor> supervisors;

    /** {@code supervisorFor.apply(i)} builds the supervisor (and its listener) of the i-th spec. */
    public ParallelRuns(int count, IntFunction<Supervisor> supervisorFor) {
        List<Supervisor> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(supervisorFor.apply(i));
        }
        this.supervisors = List.copyOf(list);
    }

    public List<Supervisor> supervisors() {
        return supervisors;
    }

    public void requestStop(String reason) {
        supervisors.forEach(s -> s.requestStop(reason));
    }

    /** Runs {@code specs[i]} under {@code supervisors[i]} as {@code recoveries[i]} decides; records in that order. */
    public List<RunRecord> run(List<RunSpec> specs, RecoveryPolicy policy, List<Recovery> recoveries)
            throws InterruptedException {
        RunRecord[] records = new RunRecord[specs.size()];
        RuntimeException[] failures = new RuntimeException[specs.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    records[n] = supervisors.get(n).run(specs.get(n), policy, recoveries.get(n));
                } catch (RuntimeException e) {
                    failures[n] = e;
                    requestStop("another run failed to start: " + e.getMessage());
                }
            }, "aitk-run-" + specs.get(i).name());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (RuntimeException e : failures) {
            if (e != null) {
                throw e;
            }
        }
        return List.of(records);
    }

    /** The exit code of the whole: interrupted wins, then the first failure's code, else 0. */
    public static ExitCode overall(List<RunRecord> records) {
        if (records.stream().anyMatch(r -> r.exit() == ExitCode.INTERRUPTED)) {
            return ExitCode.INTERRUPTED;
        }
        return records.stream().map(RunRecord::exit).filter(c -> c != ExitCode.OK).findFirst().orElse(ExitCode.OK);
    }

    /** A launch that failed: not every run succeeded, and it was not a stop the user asked for (not an error). */
    public static boolean failed(List<RunRecord> records) {
        ExitCode overall = overall(records);
        return overall != ExitCode.OK && overall != ExitCode.INTERRUPTED;
    }
}
