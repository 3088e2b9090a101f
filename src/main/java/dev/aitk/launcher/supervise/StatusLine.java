package dev.aitk.launcher.supervise;

import java.util.Locale;

/** The one live line a terminal shows while run.py trains: step, %, speed, ETA, loss, GPU memory, attempt. */
public final class StatusLine {
    private StatusLine() {
    }

    /** {@code gpuMemory} is e.g. "61.2/80.0 GiB" or null when nvidia-smi is not there. */
    public static String format(RunSnapshot s, String gpuMemory, int attempt, int maxAttempts) {
        StringBuilder b = new StringBuilder();
        if (s.step() == null) {
            b.append("starting (loading the model)");
        } else {
            b.append("step ").append(s.step()).append('/').append(s.totalSteps());
            if (s.percent() != null) {
                b.append(String.format(Locale.ROOT, " (%.0f%%)", s.percent()));
            }
        }
        if (s.secondsPerStep() != null && s.secondsPerStep() > 0) {
            b.append(s.secondsPerStep() >= 1
                    ? String.format(Locale.ROOT, "  %.2f s/it", s.secondsPerStep())
                    : String.format(Locale.ROOT, "  %.2f it/s", 1 / s.secondsPerStep()));
        }
        if (s.etaSeconds() != null) {
            b.append("  ETA ").append(clock(s.etaSeconds()));
        }
        if (s.loss() != null) {
            b.append(String.format(Locale.ROOT, "  loss %.4g", s.loss()));
        }
        if (s.learningRate() != null) {
            b.append(String.format(Locale.ROOT, "  lr %.1e", s.learningRate()));
        }
        if (gpuMemory != null) {
            b.append("  GPU ").append(gpuMemory);
        }
        if (s.oomSkippedBatches() > 0) {
            b.append("  OOM-skipped ").append(s.oomSkippedBatches());
        }
        if (s.saving()) {
            b.append("  saving...");
        }
        if (maxAttempts > 1 && attempt > 1) {
            b.append("  attempt ").append(attempt).append('/').append(maxAttempts);
        }
        return b.toString();
    }

    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%02d:%02d", m, sec);
    }
}
