package dev.aitk.launcher.cli;

import dev.aitk.launcher.hub.PrefetchReport;
import dev.aitk.launcher.hub.ProgressListener;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.supervise.GpuMemorySampler;
import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.ParallelRuns;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.SupervisorListener;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the real launch shows: the plan and findings, the prefetch's progress, each run's progress (prefixed
 * with its job name when several run at once) and a summary per run. With --json, stdout gets only the run
 * record(s) and everything else goes to stderr.
 */
final class LaunchPrinter implements RealRun.Reporter {
    private final Services services;
    private final boolean json;
    private final PrintWriter progress;

    LaunchPrinter(Services services, boolean json) {
        this.services = services;
        this.json = json;
        this.progress = json ? services.err() : services.out();
    }

    @Override
    public void prepared(LaunchPreparation checked) {
        LaunchReport.print(progress, checked, true);
    }

    @Override
    public void warning(String message) {
        services.err().println("warning: " + message);
    }

    @Override
    public void note(String message) {
        services.err().println("note: " + message);
    }

    @Override
    public ProgressListener prefetchStarted() {
        return new PrefetchProgress(services.err(), services.terminal(), json ? null : services.out());
    }

    @Override
    public void prefetchFinished(ProgressListener listener, PrefetchReport report) {
        ((PrefetchProgress) listener).stop();
        if (report != null && !json) {
            PrefetchSummary.print(services.out(), report);
        }
    }

    @Override
    public SupervisorListener runStarting(RunSpec spec, GpuMemorySampler gpu, boolean single) {
        PrintWriter target = single ? progress : new PrefixedWriter(progress, "[" + spec.name() + "] ");
        return new RunReporter(target, services.terminal() && single && !json, gpu);
    }

    @Override
    public void finished(List<RunRecord> records) {
        if (json) {
            // A failed launch prints the error object with the records in it instead (LaunchCommand): one document.
            // A user's stop is not a failure: its records as on success.
            if (!ParallelRuns.failed(records)) {
                services.out().println(Json.write(records.size() == 1 ? records.get(0) : records));
            }
            return;
        }
        for (RunRecord r : records) {
            summary(services.out(), r);
        }
    }

    private static void summary(PrintWriter out, RunRecord r) {
        out.println(r.name() + ": " + r.status() + " after " + r.attempts().size() + " attempt(s): " + r.message());
        if (r.stepsDone() != null) {
            out.println("  steps " + r.stepsDone() + "/" + r.totalSteps() + (r.secondsPerStep() == null ? ""
                    : String.format(Locale.ROOT, ", %.2f s/step", r.secondsPerStep())));
        }
        int skipped = r.attempts().stream().mapToInt(AttemptRecord::oomSkippedBatches).sum();
        if (skipped > 0) {
            // ai-toolkit's own "# OOM during training step, skipping batch N/3 #": it retried and went on.
            out.println("  ai-toolkit skipped " + skipped + " batch(es) after an out-of-memory in a training step and "
                    + "went on (not a failure; many of them mean the plan is tight for this GPU)");
        }
        if (r.finalCheckpoint() != null) {
            out.println((r.exit() == ExitCode.OK ? "  LoRA: " : "  newest checkpoint: ") + r.finalCheckpoint());
        }
        if (r.fix() != null) {
            out.println("  fix: " + r.fix());
        }
        out.println("  record: " + Path.of(r.logDirectory()).resolve("run.json") + "  (aitk-launcher diagnose it)");
    }

    /** Lines of several runs on one terminal, each prefixed with its job name. */
    private static final class PrefixedWriter extends PrintWriter {
        private final PrintWriter target;
        private final String prefix;

        PrefixedWriter(PrintWriter target, String prefix) {
            super(target);
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void println(String x) {
            synchronized (target) {
                target.println(prefix + x);
                target.flush();
            }
        }

        @Override
        public void print(String s) {
            synchronized (target) {
                target.print(s.startsWith("\r") ? "\r" + prefix + s.substring(1) : s);
            }
        }
    }
}
