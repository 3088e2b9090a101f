package dev.aitk.launcher.cli;

import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.GpuMemorySampler;
import dev.aitk.launcher.supervise.LogEvent;
import dev.aitk.launcher.supervise.RunSnapshot;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.StatusLine;
import dev.aitk.launcher.supervise.SupervisorListener;
import java.io.PrintWriter;

/**
 * Prints a supervised run for people: on a terminal one live status line redrawn in place, with events
 * (saves, resumes, OOM skips, recoveries) on lines of their own above it; elsewhere (a log, CI) plain lines,
 * progress at most every {@value #PLAIN_PROGRESS_SECONDS} s.
 */
final class RunReporter implements SupervisorListener {
    private static final long PLAIN_PROGRESS_SECONDS = 30;
    private static final long REDRAW_MILLIS = 500;
    private final PrintWriter out;
    private final boolean terminal;
    private final GpuMemorySampler gpu;
    private int attempt = 1;
    private int maxAttempts = 1;
    private long lastDrawNanos = Long.MIN_VALUE / 2;
    private int drawnWidth;
    private RunSnapshot last;

    RunReporter(PrintWriter out, boolean terminal, GpuMemorySampler gpu) {
        this.out = out;
        this.terminal = terminal;
        this.gpu = gpu;
    }

    @Override
    public void attemptStarting(int attempt, int maxAttempts, RunSpec spec, String reason) {
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
        line("attempt " + attempt + " of " + maxAttempts + " (" + reason + "); log: "
                + spec.logDirectory().resolve("log.txt"));
    }

    @Override
    public void progress(RunSnapshot s) {
        last = s;
        long now = System.nanoTime();
        long interval = terminal ? REDRAW_MILLIS * 1_000_000L : PLAIN_PROGRESS_SECONDS * 1_000_000_000L;
        if (now - lastDrawNanos < interval || (!terminal && s.step() == null)) {
            return;
        }
        lastDrawNanos = now;
        String text = StatusLine.format(s, gpu == null ? null : gpu.latest(), attempt, maxAttempts);
        if (terminal) {
            out.print("\r" + text + " ".repeat(Math.max(0, drawnWidth - text.length())));
            drawnWidth = text.length();
            out.flush();
        } else {
            out.println(text);
        }
    }

    @Override
    public void event(LogEvent e) {
        String text = null;
        if (e instanceof LogEvent.SaveFinished s) {
            text = "saved " + s.path();
        } else if (e instanceof LogEvent.Resuming r) {
            text = "resuming from " + r.path();
        } else if (e instanceof LogEvent.ResumeStep r) {
            text = "resumed at step " + r.step();
        } else if (e instanceof LogEvent.OomSkipped o) {
            text = "out of memory on a step: ai-toolkit skipped the batch (" + o.attempt() + "/" + o.limit() + ")";
        } else if (e instanceof LogEvent.JobError j) {
            text = "run.py: " + j.message();
        } else if (e instanceof LogEvent.Failure f) {
            text = f.kind().title() + ": " + f.line().strip();
        }
        if (text != null) {
            line(text);
        }
    }

    @Override
    public void note(String message) {
        line(message);
    }

    @Override
    public void attemptEnded(AttemptRecord a) {
        line("attempt " + a.number() + (a.succeeded() ? " finished" : " ended: " + a.cause().title()
                + (a.detail() == null ? "" : " (" + a.detail() + ")")));
    }

    private void line(String text) {
        if (terminal && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
            lastDrawNanos = Long.MIN_VALUE / 2;
        }
        out.println(text);
        out.flush();
    }

    RunSnapshot lastSnapshot() {
        return last;
    }
}
