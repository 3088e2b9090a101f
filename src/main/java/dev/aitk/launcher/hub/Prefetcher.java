package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The prefetch stage: resolves each reference to a commit and a file list, shows the plan, checks access (gated
 * repos fail here, before any long download) and disk space, downloads what is missing into the standard cache
 * and reports what it did. Entry point for both {@code prefetch} and {@code launch}.
 */
public final class Prefetcher {
    private static final long DISK_MARGIN_BYTES = 64L * 1024 * 1024;

    private final HubSettings settings;
    private final HubCache cache;
    private final DownloadTuning tuning;
    private final HubHttp http;
    private final HubApi api;

    public Prefetcher(HubSettings settings, HubCache cache, DownloadTuning tuning) {
        this.settings = settings;
        this.cache = cache;
        this.tuning = tuning;
        this.http = new HubHttp(settings, tuning.connectTimeout(), tuning.idleTimeout());
        this.api = new HubApi(http, settings);
    }

    /** The prefetcher a child process's environment implies, with optional --endpoint and --cache-dir overrides. */
    public static Prefetcher forEnvironment(Environment env, Optional<String> endpoint, Optional<Path> cacheDir, DownloadTuning tuning) {
        HubSettings settings = HubSettings.from(env, endpoint);
        // Users on slow links already raise huggingface_hub's read timeout; the same number sets the stall timeout.
        Optional<String> timeout = env.get("HF_HUB_DOWNLOAD_TIMEOUT");
        if (timeout.isPresent()) {
            try {
                double seconds = Double.parseDouble(timeout.get().strip());
                if (seconds > 0) {
                    tuning = tuning.withIdleTimeout(java.time.Duration.ofMillis((long) (seconds * 1000)));
                }
            } catch (NumberFormatException e) {
                throw new LauncherException(ExitCode.USAGE, "HF_HUB_DOWNLOAD_TIMEOUT='" + timeout.get()
                        + "' is not a number of seconds; set it to e.g. 60 or unset it");
            }
        }
        HubCache located = HubCache.locate(env);
        HubCache cache = cacheDir.map(d -> new HubCache(env.resolve(d), located.symlinksDisabled())).orElse(located);
        return new Prefetcher(settings, cache, tuning);
    }

    public HubCache cache() {
        return cache;
    }

    public DownloadTuning tuning() {
        return tuning;
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * Checks, without downloading anything, that every reference resolves and the token may read it (one HEAD
     * per repo), so {@code launch} can refuse a gated model in seconds instead of after an hour. Throws the same
     * one-sentence errors as {@link #prefetch}; does nothing offline.
     */
    public void checkAccess(List<ModelReference> references) {
        if (settings.offline()) {
            return;
        }
        for (ModelReference ref : references) {
            String repoId = ref.repoId();
            String commit = ref.revision().matches("[0-9a-f]{40}") ? ref.revision()
                    : withRetries("the revision lookup of " + repoId, () -> api.commitOf(repoId, ref.revision()));
            String probe = ref.filePath().orElseGet(() -> {
                List<RemoteEntry> files = withRetries("the file listing of " + repoId, () -> api.listFiles(repoId, commit));
                return files.stream().map(RemoteEntry::path).filter(FileSelection.MODEL_INDEX::equals).findFirst()
                        .orElse(files.isEmpty() ? null : files.get(0).path());
            });
            if (probe != null) {
                withRetries("the access check of " + repoId, () -> api.locate(repoId, commit, probe));
            }
        }
    }

    /** Resolved state of one reference between planning and downloading. */
    private record Resolved(ModelReference ref, String commit, Map<String, RemoteEntry> listing,
                            FileSelection.Selected selection) {
    }

    public PrefetchReport prefetch(PrefetchRequest request, ProgressListener listener) {
        long started = System.nanoTime();
        if (request.offline() || settings.offline()) {
            return OfflineCheck.run(cache, request, listener, started);
        }
        List<Resolved> resolved = new ArrayList<>();
        try (Downloader downloader = new Downloader(http, api, cache, tuning, listener)) {
            for (int i = 0; i < request.references().size(); i++) {
                ModelReference ref = request.references().get(i);
                resolved.add(resolve(ref, i == 0 ? request.components() : List.of(), request.patterns(), downloader));
            }
        } catch (HubUnreachableException e) {
            // No network: if the cache already holds everything, that is enough to run offline.
            PrefetchReport offline = OfflineCheck.run(cache, request, ProgressListener.NONE, started);
            if (offline.complete()) {
                listener.planned(OfflineCheck.plan(offline));
                return offline;
            }
            throw e;
        }

        List<PrefetchPlan.RepoPlan> repoPlans = new ArrayList<>();
        Map<String, PrefetchReport.FileResult> cachedResults = new LinkedHashMap<>();
        List<Resolved> work = new ArrayList<>();
        for (Resolved r : resolved) {
            List<PrefetchPlan.PlannedFile> files = new ArrayList<>();
            for (RemoteEntry e : r.selection().files()) {
                boolean cached = cache.isCached(r.ref().repoId(), r.commit(), e.path(), e.sizeBytes());
                files.add(new PrefetchPlan.PlannedFile(e.path(), e.sizeBytes(), cached));
                if (cached) {
                    cachedResults.put(r.ref().repoId() + "\n" + e.path(),
                            new PrefetchReport.FileResult(e.path(), e.sizeBytes(), PrefetchReport.Status.CACHED, null, null, 0));
                }
            }
            repoPlans.add(new PrefetchPlan.RepoPlan(r.ref().source(), r.ref().repoId(), r.ref().revision(), r.commit(),
                    r.selection().components(), r.selection().reason(), files));
            work.add(r);
        }
        PrefetchPlan plan = PrefetchPlan.of(repoPlans);
        listener.planned(plan);

        Map<String, PrefetchReport.FileResult> results = new LinkedHashMap<>(cachedResults);
        List<Notice> notices = List.of();
        long downloaded = 0;
        try (Downloader downloader = new Downloader(http, api, cache, tuning, listener)) {
            List<FileTransfer> transfers = new ArrayList<>();
            for (Resolved r : work) {
                transfers.addAll(transfersFor(r, downloader, results));
            }
            checkDiskSpace(transfers);
            List<PrefetchReport.FileResult> done = downloader.runAll(transfers);
            for (int i = 0; i < transfers.size(); i++) {
                FileTransfer t = transfers.get(i);
                PrefetchReport.FileResult fr = done.get(i);
                if (fr.status() == PrefetchReport.Status.DOWNLOADED) {
                    downloaded += fr.sizeBytes();
                }
                for (String path : t.paths) {
                    results.put(t.repoId + "\n" + path, new PrefetchReport.FileResult(path, fr.sizeBytes(), fr.status(),
                            fr.method(), fr.fallbackReason(), fr.retries()));
                }
            }
            notices = downloader.notices();
        }
        List<PrefetchReport.RepoResult> repos = new ArrayList<>();
        for (Resolved r : work) {
            List<PrefetchReport.FileResult> files = r.selection().files().stream()
                    .map(e -> results.get(r.ref().repoId() + "\n" + e.path())).toList();
            repos.add(new PrefetchReport.RepoResult(r.ref().source(), r.ref().repoId(), r.ref().revision(), r.commit(),
                    cache.snapshotDir(r.ref().repoId(), r.commit()).toString(), r.selection().components(),
                    r.selection().reason(), files, null));
        }
        return new PrefetchReport(cache.root().toString(), false, true, repos, downloaded, plan.totalBytes(),
                (System.nanoTime() - started) / 1e9, notices);
    }

    private Resolved resolve(ModelReference ref, List<String> components, GlobPatterns patterns, Downloader downloader) {
        String repoId = ref.repoId();
        String commit = ref.revision().matches("[0-9a-f]{40}") ? ref.revision()
                : withRetries("the revision lookup of " + repoId, () -> api.commitOf(repoId, ref.revision()));
        Map<String, RemoteEntry> listing = new LinkedHashMap<>();
        for (RemoteEntry e : withRetries("the file listing of " + repoId, () -> api.listFiles(repoId, commit))) {
            listing.put(e.path(), e);
        }
        try {
            Files.createDirectories(cache.repoDir(repoId));
            cache.writeRef(repoId, ref.revision(), commit);
            cache.writeTree(repoId, commit, listing.values());
        } catch (AccessDeniedException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + e.getFile()
                    + " (permission denied); fix its permissions or point HF_HOME / --cache-dir at a writable folder");
        } catch (IOException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + cache.root() + " ("
                    + HubApi.describe(e) + "); check the disk, or point HF_HOME / --cache-dir elsewhere");
        }
        Optional<JsonNode> modelIndex = Optional.empty();
        if (ref.filePath().isEmpty() && patterns.include().isEmpty() && listing.containsKey(FileSelection.MODEL_INDEX)) {
            RemoteEntry index = listing.get(FileSelection.MODEL_INDEX);
            if (!cache.isCached(repoId, commit, index.path(), index.sizeBytes())) {
                HubApi.FileLocation loc = withRetries("the lookup of " + repoId + "/" + index.path(),
                        () -> api.locate(repoId, commit, index.path()));
                downloader.runAll(List.of(new FileTransfer(downloader, repoId, commit, List.of(index.path()), index, loc)));
            }
            try {
                modelIndex = Optional.of(Json.mapper().readTree(cache.snapshotPath(repoId, commit, index.path()).toFile()));
            } catch (IOException e) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, repoId + "'s model_index.json is not valid JSON; the repo is broken or not a diffusers model");
            }
        }
        FileSelection.Selected selection = FileSelection.select(ref, listing, modelIndex, components, patterns);
        try {
            cache.markMissing(repoId, commit, selection.absentProbes());
        } catch (IOException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + cache.root() + " (" + HubApi.describe(e) + ")");
        }
        return new Resolved(ref, commit, listing, selection);
    }

    /**
     * One transfer per distinct blob not yet in the snapshot; HEADs run in parallel and check access before any long
     * download. A file another launcher completed since the plan was made goes into {@code results} as cached, so
     * every selected file ends with a result.
     */
    private List<FileTransfer> transfersFor(Resolved r, Downloader downloader, Map<String, PrefetchReport.FileResult> results) {
        String repoId = r.ref().repoId();
        List<RemoteEntry> missing = new ArrayList<>();
        for (RemoteEntry e : r.selection().files()) {
            if (!cache.isCached(repoId, r.commit(), e.path(), e.sizeBytes())) {
                missing.add(e);
            } else {
                results.putIfAbsent(repoId + "\n" + e.path(),
                        new PrefetchReport.FileResult(e.path(), e.sizeBytes(), PrefetchReport.Status.CACHED, null, null, 0));
            }
        }
        ExecutorService heads = Executors.newFixedThreadPool(Math.min(8, Math.max(1, missing.size())), t -> {
            Thread th = new Thread(t, "hub-head");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<HubApi.FileLocation>> futures = new ArrayList<>();
            for (RemoteEntry e : missing) {
                futures.add(heads.submit(() -> withRetries("the lookup of " + repoId + "/" + e.path(),
                        () -> api.locate(repoId, r.commit(), e.path()))));
            }
            Map<String, FileTransfer> byEtag = new LinkedHashMap<>();
            Map<String, List<String>> pathsByEtag = new LinkedHashMap<>();
            Map<String, HubApi.FileLocation> locByEtag = new LinkedHashMap<>();
            Map<String, RemoteEntry> entryByEtag = new LinkedHashMap<>();
            for (int i = 0; i < missing.size(); i++) {
                HubApi.FileLocation loc = futures.get(i).get();
                pathsByEtag.computeIfAbsent(loc.etag(), k -> new ArrayList<>()).add(missing.get(i).path());
                locByEtag.putIfAbsent(loc.etag(), loc);
                entryByEtag.putIfAbsent(loc.etag(), missing.get(i));
            }
            for (String etag : pathsByEtag.keySet()) {
                byEtag.put(etag, new FileTransfer(downloader, repoId, r.commit(), pathsByEtag.get(etag), entryByEtag.get(etag), locByEtag.get(etag)));
            }
            // Largest first: the long shards start at once and small files fill the gaps.
            return byEtag.values().stream().sorted((a, b) -> Long.compare(b.location.sizeBytes(), a.location.sizeBytes())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "looking up files of " + repoId + " failed (" + e.getCause() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "prefetch interrupted");
        } finally {
            heads.shutdownNow();
        }
    }

    private void checkDiskSpace(List<FileTransfer> transfers) {
        long need = 0;
        for (FileTransfer t : transfers) {
            Path blob = cache.blobPath(t.repoId, t.location.etag());
            need += t.location.sizeBytes() - ChunkJournal.completedBytes(
                    blob.resolveSibling(t.location.etag() + ".aitk.chunks"), t.location.sizeBytes(), tuning.chunkBytes());
        }
        if (need == 0) {
            return;
        }
        Path probe = cache.root();
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        try {
            long free = Files.getFileStore(probe).getUsableSpace();
            if (free < need + DISK_MARGIN_BYTES) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "not enough disk space for the download: "
                        + human(need) + " needed, " + human(free) + " free at " + cache.root()
                        + "; free space or move the cache (HF_HOME or --cache-dir) to a larger disk");
            }
        } catch (IOException e) {
            // A file store that cannot say its free space is checked by the writes themselves.
        }
    }

    static String human(long bytes) {
        return new dev.aitk.launcher.util.ByteSize(bytes).human();
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    /** API calls retry like chunks do: backoff with jitter on 5xx and resets, Retry-After on 429. */
    <T> T withRetries(String what, IoCall<T> call) {
        int attempt = 0;
        Duration rateLimited = Duration.ZERO;
        while (true) {
            try {
                return call.call();
            } catch (RetryableException e) {
                if (e.rateLimited()) {
                    Duration wait = e.retryAfter().orElse(Duration.ofSeconds(5));
                    rateLimited = rateLimited.plus(wait);
                    if (rateLimited.compareTo(tuning.rateLimitBudget()) > 0) {
                        throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept rate-limiting " + what + " (429) for over "
                                + tuning.rateLimitBudget().toMinutes() + " minutes; wait a while and run again, or set HF_TOKEN for higher limits");
                    }
                    pause(wait);
                    continue;
                }
                if (++attempt >= tuning.maxAttempts()) {
                    throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept failing on " + what + " ("
                            + settings.redact(e.getMessage()) + "); try again later or use a mirror with --endpoint", e);
                }
            } catch (IOException e) {
                // DNS failures and refused connections rarely heal within seconds: three tries, then say so.
                int limit = HubApi.isNoNetwork(e) ? Math.min(3, tuning.maxAttempts()) : tuning.maxAttempts();
                if (++attempt >= limit) {
                    String reason = settings.redact(HubApi.describe(e));
                    if (HubApi.isNoNetwork(e)) {
                        throw new HubUnreachableException("cannot reach the Hub at " + settings.endpoint() + " (" + reason
                                + "); check the network or HTTPS_PROXY, use a mirror with --endpoint / HF_ENDPOINT, or run with --offline if the cache already holds the model", e);
                    }
                    throw new LauncherException(ExitCode.DOWNLOAD_FAILED, what + " failed (" + reason
                            + "); check the network or proxy, or use a mirror with --endpoint", e);
                }
            }
            pause(tuning.backoff(attempt, ThreadLocalRandom.current().nextDouble()));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "prefetch interrupted");
        }
    }
}
