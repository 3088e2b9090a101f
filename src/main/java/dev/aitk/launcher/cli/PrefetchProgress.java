package dev.aitk.launcher.cli;

import dev.aitk.launcher.hub.Notice;
import dev.aitk.launcher.hub.PrefetchPlan;
import dev.aitk.launcher.hub.ProgressListener;
import dev.aitk.launcher.util.ByteSize;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Renders progress: on a terminal one bar per active file plus a total, redrawn in place; elsewhere a plain
 * line every 10 s. Notices (retries, stalls, fallbacks) always print as their own lines. {@code planOut}
 * receives the plan (null with --json, where stdout carries only JSON).
 */
public final class PrefetchProgress implements ProgressListener, AutoCloseable {
    private static final int MAX_BARS = 8;

    private final PrintWriter err;
    private final boolean terminal;
    private final PrintWriter planOut;
    private final Map<String, long[]> files = new ConcurrentHashMap<>();
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private final long startedNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private int drawnLines;

    public PrefetchProgress(PrintWriter err, boolean terminal, PrintWriter planOut) {
        this(err, terminal, planOut, java.time.Duration.ofMillis(terminal ? 250 : 10_000));
    }

    /** {@code period}: how often bars are redrawn (terminal) or a progress line is printed (elsewhere). */
    public PrefetchProgress(PrintWriter err, boolean terminal, PrintWriter planOut, java.time.Duration period) {
        this.err = err;
        this.terminal = terminal;
        this.planOut = planOut;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "prefetch-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::render, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void planned(PrefetchPlan plan) {
        total = plan.toDownloadBytes();
        PrintWriter out = planOut != null ? planOut : err;
        for (PrefetchPlan.RepoPlan r : plan.repos()) {
            out.printf(Locale.ROOT, "%s @ %s%s: %s%n", r.repoId(), r.revision(),
                    r.commit() == null ? "" : " (commit " + r.commit().substring(0, Math.min(12, r.commit().length())) + ")",
                    r.selection() != null ? r.selection() : "not in the cache");
        }
        if (plan.offlineCheck()) {
            out.printf(Locale.ROOT, "Offline check: %d of %d file(s) in the cache (%s of %s); nothing is downloaded.%n",
                    plan.cachedFileCount(), plan.fileCount(), human(plan.cachedBytes()), human(plan.totalBytes()));
        } else {
            out.printf(Locale.ROOT, "Plan: %d file(s), %s in all, %s already cached, %s%s to download.%n", plan.fileCount(),
                    human(plan.totalBytes()), human(plan.cachedBytes()), plan.resumableBytes() > 0 ? human(plan.resumableBytes())
                            + " kept from an interrupted download (resumed, not fetched again), " : "", human(plan.toDownloadBytes()));
        }
        out.flush();
    }

    @Override
    public void fileStarted(String repoId, String path, long sizeBytes, long alreadyBytes) {
        // Bytes kept from an earlier run fill the file's bar but not the total: that counts (and times) only
        // what crosses the network now, so the speed and ETA are not inflated by a resume.
        files.put(path, new long[] {sizeBytes, alreadyBytes});
    }

    @Override
    public void transferred(String repoId, String path, long bytes) {
        long[] f = files.get(path);
        if (f != null) {
            synchronized (f) {
                f[1] += bytes;
            }
        }
        done.addAndGet(bytes);
    }

    /** Bytes that crossed the network in this run so far. */
    public long fetchedNowBytes() {
        return done.get();
    }

    @Override
    public void fileFinished(String repoId, String path) {
        files.remove(path);
    }

    @Override
    public synchronized void notice(Notice notice) {
        clearBars();
        err.println(notice.message());
        err.flush();
    }

    @Override
    public void close() {
        stop();
    }

    public void stop() {
        timer.shutdownNow();
        synchronized (this) {
            clearBars();
            err.flush();
        }
    }

    private synchronized void render() {
        long d = Math.min(done.get(), Math.max(total, done.get()));
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        double rate = d / Math.max(0.001, seconds);
        String eta = rate > 0 && total > d ? formatSeconds((total - d) / rate) : "-";
        String totalLine = String.format(Locale.ROOT, "total %s / %s (%d%%), %s/s, ETA %s", human(d), human(total),
                total == 0 ? 100 : d * 100 / total, human((long) rate), eta);
        if (!terminal) {
            if (total > 0) {
                err.println("prefetch: " + totalLine + activeSummary());
                err.flush();
            }
            return;
        }
        clearBars();
        List<String> lines = new ArrayList<>();
        files.entrySet().stream().limit(MAX_BARS).forEach(e -> {
            long[] f = e.getValue();
            long got;
            synchronized (f) {
                got = f[1];
            }
            lines.add(bar(e.getKey(), got, f[0]));
        });
        if (files.size() > MAX_BARS) {
            lines.add("  … and " + (files.size() - MAX_BARS) + " more file(s)");
        }
        lines.add(totalLine);
        for (String l : lines) {
            err.println(l);
        }
        drawnLines = lines.size();
        err.flush();
    }

    private String activeSummary() {
        return files.isEmpty() ? "" : "; active: " + String.join(", ", files.keySet().stream().limit(3).toList())
                + (files.size() > 3 ? " +" + (files.size() - 3) : "");
    }

    private static String bar(String name, long got, long size) {
        int width = 24;
        int filled = size == 0 ? width : (int) (got * width / size);
        String shown = name.length() > 48 ? "…" + name.substring(name.length() - 47) : name;
        return String.format(Locale.ROOT, "  %-48s [%s%s] %3d%% %s", shown, "#".repeat(filled), " ".repeat(width - filled),
                size == 0 ? 100 : got * 100 / size, human(size));
    }

    private void clearBars() {
        if (terminal && drawnLines > 0) {
            err.print("\033[" + drawnLines + "A\033[J");
            drawnLines = 0;
        }
    }

    private static String formatSeconds(double s) {
        long total = (long) s;
        return total >= 3600 ? total / 3600 + "h " + (total % 3600) / 60 + "m"
                : total >= 60 ? total / 60 + "m " + total % 60 + "s" : total + "s";
    }

    private static String human(long bytes) {
        return new ByteSize(bytes).human();
    }
}
