package dev.aitk.launcher.cli;

import dev.aitk.launcher.hub.DownloadTuning;
import dev.aitk.launcher.hub.GlobPatterns;
import dev.aitk.launcher.hub.ModelReference;
import dev.aitk.launcher.hub.ModelReferences;
import dev.aitk.launcher.hub.Notice;
import dev.aitk.launcher.hub.PrefetchPlan;
import dev.aitk.launcher.hub.PrefetchReport;
import dev.aitk.launcher.hub.PrefetchRequest;
import dev.aitk.launcher.hub.Prefetcher;
import dev.aitk.launcher.hub.ProgressListener;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Download what a run needs into the Hugging Face cache, fast and resumable, so run.py loads offline. */
@Command(name = "prefetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Download what a run needs into the Hugging Face cache, fast and resumable, so run.py loads offline.",
            "",
            "Given a model id it fetches, for a diffusers repo, model_index.json and the components it names",
            "(not the single-file checkpoints beside them); given an ai-toolkit config it fetches every Hub",
            "reference in it (model.name_or_path, extras_name_or_path, assistant_lora_path, qtype|adapter).",
            "Files already cached are not fetched again; an interrupted download resumes where it stopped.",
            "",
            "Examples:",
            "  aitk-launcher prefetch black-forest-labs/FLUX.1-dev",
            "  aitk-launcher prefetch config/my_flux_lora.yaml",
            "  aitk-launcher prefetch black-forest-labs/FLUX.1-dev --components transformer,vae --json",
            "  aitk-launcher prefetch config/my_flux_lora.yaml --offline     # is everything cached?",
            "  HF_ENDPOINT=https://mirror.example prefetch org/model --cache-dir /data/hf/hub",
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  everything is in the cache",
            "  2  bad flag or value",
            "  3  the config cannot be read",
            "  5  download failed (gated repo, bad token, not found, no network, disk full, ...) or, with",
            "     --offline, something is missing from the cache",
        })
public final class PrefetchCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL|CONFIG",
            description = "A Hub model id (org/name, or org/name/file for one file) or an ai-toolkit config file.")
    String target;

    @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit of a MODEL (default: main; a config's model.revision wins).")
    String revision;

    @Option(names = "--components", split = ",", paramLabel = "NAME",
            description = "Only these diffusers components of the main model, e.g. transformer,text_encoder_2.")
    List<String> components = new ArrayList<>();

    @Option(names = "--include", split = ",", paramLabel = "GLOB",
            description = "Fetch exactly the files matching (fnmatch, * crosses /), instead of the component rules.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", split = ",", paramLabel = "GLOB", description = "Never fetch files matching.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "URL", description = "Hub or mirror to use (default: HF_ENDPOINT, else https://huggingface.co).")
    String endpoint;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Hub cache folder (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub).")
    Path cacheDir;

    @Option(names = "--offline", description = "Do not use the network: check that the cache holds everything and list what is missing.")
    boolean offline;

    @Option(names = "--connections", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Parallel connections across all files (default: ${DEFAULT-VALUE}).")
    int connections = DownloadTuning.DEFAULT_CONNECTIONS;

    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Size of one ranged request and of the unit of resume (default: 16MiB).")
    ByteSize chunkSize;

    @Option(names = "--no-sync", description = {"Skip the fsync before each file's rename: faster where the disk is slower than the",
            "network, but a power cut may then leave a corrupt file in the cache (as huggingface_hub and aria2c may)."})
    boolean noSync;

    @Override
    protected int execute() {
        Services s = services();
        Environment env = s.env();
        List<ModelReference> refs = references(env);
        DownloadTuning tuning = DownloadTuning.defaults().withConnections(connections).withSyncBeforeRename(!noSync);
        if (chunkSize != null) {
            if (chunkSize.bytes() < 64 * 1024) {
                throw new LauncherException(ExitCode.USAGE, "--chunk-size " + chunkSize.human() + " is too small; use at least 64KiB, e.g. 16MiB");
            }
            tuning = tuning.withChunkBytes(chunkSize.bytes());
        }
        Prefetcher prefetcher = Prefetcher.forEnvironment(env, Optional.ofNullable(endpoint), Optional.ofNullable(cacheDir), tuning);
        PrefetchRequest request = new PrefetchRequest(refs, components, new GlobPatterns(include, exclude), offline);
        if (refs.isEmpty()) {
            if (output.json()) {
                s.out().println(Json.write(new PrefetchReport(prefetcher.cache().root().toString(), offline, true, List.of(), 0, 0, 0, List.of())));
            } else {
                s.out().println("Nothing to prefetch: every model reference in " + target + " is a local path.");
            }
            return ExitCode.OK.code();
        }
        ProgressPrinter progress = new ProgressPrinter(s.err(), s.terminal(), !output.json() ? s.out() : null);
        PrefetchReport report;
        try {
            report = prefetcher.prefetch(request, progress);
        } finally {
            progress.stop();
        }
        if (output.json() && !report.complete()) {
            foundBeforeFailing(report);
        } else if (output.json()) {
            s.out().println(Json.write(report));
        } else {
            printSummary(s.out(), report);
        }
        if (!report.complete()) {
            List<String> missing = report.missingDescriptions();
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, missing.size() + " item(s) missing from the cache at " + report.cacheDir()
                    + " (first: " + missing.get(0) + "); run 'aitk-launcher prefetch " + target + "' with network access");
        }
        return ExitCode.OK.code();
    }

    private List<ModelReference> references(Environment env) {
        Path asPath;
        try {
            asPath = env.resolve(Path.of(target));
        } catch (java.nio.file.InvalidPathException e) {
            asPath = null;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        boolean looksLikeConfig = lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
        if (asPath != null && Files.isRegularFile(asPath)) {
            List<ModelReference> refs = ModelReferences.fromConfig(asPath, env);
            if (revision != null) {
                refs = refs.stream().map(r -> r.source().equals("model.name_or_path")
                        ? new ModelReference(r.repoId(), r.filePath(), revision, r.source()) : r).toList();
            }
            return refs;
        }
        if (looksLikeConfig) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "the config " + target + " does not exist; check the path");
        }
        return List.of(ModelReference.parse(target, revision == null ? ModelReference.DEFAULT_REVISION : revision, "MODEL"));
    }

    static void printSummary(PrintWriter out, PrefetchReport report) {
        for (PrefetchReport.RepoResult r : report.repos()) {
            long downloaded = r.files().stream().filter(f -> f.status() == PrefetchReport.Status.DOWNLOADED).count();
            long cached = r.files().stream().filter(f -> f.status() == PrefetchReport.Status.CACHED).count();
            long missing = r.files().stream().filter(f -> f.status() == PrefetchReport.Status.MISSING).count();
            out.printf(Locale.ROOT, "%s (%s): %d file(s) downloaded, %d already cached%s%n", r.repoId(), r.source(), downloaded, cached,
                    missing > 0 ? ", " + missing + " missing" : r.problem() != null ? ", " + r.problem() : "");
            for (PrefetchReport.FileResult f : r.files()) {
                if (f.fallbackReason() != null) {
                    out.printf("  %s came over a single stream: %s%n", f.path(), f.fallbackReason());
                }
            }
        }
        if (report.downloadedBytes() > 0) {
            out.printf(Locale.ROOT, "Downloaded %s in %.1f s (%s/s).%n", human(report.downloadedBytes()), report.seconds(),
                    human((long) (report.downloadedBytes() / Math.max(0.001, report.seconds()))));
        }
        out.println(report.complete()
                ? "Cache " + report.cacheDir() + " holds everything; the run can load it offline (HF_HUB_OFFLINE=1)."
                : "Cache " + report.cacheDir() + " is missing some files.");
    }

    private static String human(long bytes) {
        return new ByteSize(bytes).human();
    }

    /**
     * Renders progress: on a terminal one bar per active file plus a total, redrawn in place; elsewhere a plain
     * line every 10 s. Notices (retries, stalls, fallbacks) always print as their own lines. {@code planOut}
     * receives the plan (null with --json, where stdout carries only JSON).
     */
    public static final class ProgressPrinter implements ProgressListener {
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

        public ProgressPrinter(PrintWriter err, boolean terminal, PrintWriter planOut) {
            this(err, terminal, planOut, java.time.Duration.ofMillis(terminal ? 250 : 10_000));
        }

        /** {@code period}: how often bars are redrawn (terminal) or a progress line is printed (elsewhere). */
        public ProgressPrinter(PrintWriter err, boolean terminal, PrintWriter planOut, java.time.Duration period) {
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
                        r.commit() == null ? "" : " (commit " + r.commit().substring(0, Math.min(12, r.commit().length())) + ")", r.selection());
            }
            out.printf(Locale.ROOT, "Plan: %d file(s), %s in all, %s already cached, %s to download.%n", plan.fileCount(),
                    human(plan.totalBytes()), human(plan.cachedBytes()), human(plan.toDownloadBytes()));
            out.flush();
        }

        @Override
        public void fileStarted(String repoId, String path, long sizeBytes, long alreadyBytes) {
            files.put(path, new long[] {sizeBytes, alreadyBytes});
            done.addAndGet(alreadyBytes);
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
    }
}
