package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prefetch stage: resolves each reference to a commit and a file list, shows the plan, checks access (gated
 * repos fail here, before any long download) and disk space, downloads what is missing into the standard cache
 * and reports what it did. Entry point for both {@code prefetch} and {@code launch}.
 */
public final class Prefetcher {
    private final HubSettings settings;
    private final HubCache cache;
    private final DownloadTuning tuning;
    private final HubHttp http;
    private final HubApi api;
    private final RepoResolver resolver;
    private final BlobLocator locator;
    private final boolean locksWork;
    private final java.time.Clock clock;

    public Prefetcher(HubSettings settings, HubCache cache, DownloadTuning tuning) {
        this(settings, cache, tuning, true, java.time.Clock.systemUTC());
    }

    /**
     * {@code locksWork} false: the cache is on a file system whose locks silently do nothing (NFS without lockd), so
     * launchers are kept apart only by their partial files' own names; the files they finish are identical.
     */
    Prefetcher(HubSettings settings, HubCache cache, DownloadTuning tuning, boolean locksWork, java.time.Clock clock) {
        this.locksWork = locksWork;
        this.clock = clock;
        this.settings = settings;
        this.cache = cache;
        this.tuning = tuning;
        this.http = new HubHttp(settings, tuning.connectTimeout(), tuning.idleTimeout());
        this.api = new HubApi(http, settings);
        ApiRetries retries = new ApiRetries(settings, tuning);
        this.resolver = new RepoResolver(api, cache, retries);
        this.locator = new BlobLocator(api, cache, retries);
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
                    tuning = tuning.withIdleTimeout(Duration.ofMillis((long) (seconds * 1000)));
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

    /** The same prefetcher on a file system whose locks silently do nothing. */
    Prefetcher withLocksThatDoNothing() {
        return new Prefetcher(settings, cache, tuning, false, clock);
    }

    /** The same prefetcher reading signed links' expiry against {@code clock}. */
    Prefetcher withClock(java.time.Clock other) {
        return new Prefetcher(settings, cache, tuning, locksWork, other);
    }

    /** The Hub cache folder this prefetcher fills. */
    public Path cacheRoot() {
        return cache.root();
    }

    public DownloadTuning tuning() {
        return tuning;
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
        ApiRetries retries = new ApiRetries(settings, tuning);
        for (ModelReference ref : references) {
            String repoId = ref.repoId();
            String commit = resolver.commitOf(ref);
            String probe = ref.filePath().orElseGet(() -> {
                List<RemoteEntry> files = resolver.listing(repoId, commit);
                return files.stream().map(RemoteEntry::path).filter(FileSelection.MODEL_INDEX::equals).findFirst()
                        .orElse(files.isEmpty() ? null : files.get(0).path());
            });
            if (probe != null) {
                retries.call("the access check of " + repoId, () -> api.locate(repoId, commit, probe));
            }
        }
    }

    public PrefetchReport prefetch(PrefetchRequest request, ProgressListener listener) {
        long started = System.nanoTime();
        if (!request.offline() && !settings.offline()) {
            // Before the file list is known, so the compile overlaps the Hub's answers: started after the plan
            // instead, SHA-256 was compiled 0.93–0.98 s rather than 0.31–0.39 s into the benchmark, after the first chunks
            // landed. A run with everything cached pays 2 MiB of hashing on a background thread for that.
            BlobChecksum.warmUp();
        }
        if (request.references().isEmpty()) {
            return new PrefetchReport(cache.root().toString(), request.offline(), true, List.of(), 0, 0, PrefetchReport.Bytes.NONE, 0, List.of());
        }
        if (request.offline() || settings.offline()) {
            return OfflineCheck.run(cache, request, listener, started);
        }
        List<RepoResolver.ResolvedRepo> resolved = new ArrayList<>();
        try (Downloader downloader = new Downloader(http, api, cache, tuning, listener)) {
            for (int i = 0; i < request.references().size(); i++) {
                ModelReference ref = request.references().get(i);
                resolved.add(resolver.resolve(ref, i == 0 ? request.components() : List.of(), request.patterns(), downloader));
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
        PrefetchPlan plan = plan(resolved);
        listener.planned(plan);

        Map<String, PrefetchReport.FileResult> results = new LinkedHashMap<>();
        for (RepoResolver.ResolvedRepo r : resolved) {
            for (RemoteEntry e : r.selection().files()) {
                if (cache.isCached(r.repoId(), r.commit(), e.path(), e.sizeBytes())) {
                    results.put(r.repoId() + "\n" + e.path(),
                            new PrefetchReport.FileResult(e.path(), e.sizeBytes(), PrefetchReport.Status.CACHED, null, null, 0));
                }
            }
        }
        List<Notice> notices;
        long downloaded = 0;
        PrefetchReport.Bytes bytes;
        try (Downloader downloader = new Downloader(http, api, cache, tuning, listener, clock, locksWork)) {
            List<BlobTransfer> transfers = new ArrayList<>();
            for (RepoResolver.ResolvedRepo r : resolved) {
                transfers.addAll(locator.transfersFor(r, downloader, results));
            }
            DiskSpaceCheck.require(cache, transfers, tuning.chunkBytes());
            List<PrefetchReport.FileResult> done = downloader.runAll(transfers);
            for (int i = 0; i < transfers.size(); i++) {
                BlobTransfer t = transfers.get(i);
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
            bytes = new PrefetchReport.Bytes(plan.cachedBytes() + downloader.foundCachedBytes(), downloader.resumedBytes(),
                    downloader.fetchedBytes());
        }
        List<PrefetchReport.RepoResult> repos = new ArrayList<>();
        for (RepoResolver.ResolvedRepo r : resolved) {
            List<PrefetchReport.FileResult> files = r.selection().files().stream()
                    .map(e -> results.get(r.repoId() + "\n" + e.path())).toList();
            repos.add(new PrefetchReport.RepoResult(r.ref().source(), r.repoId(), r.ref().revision(), r.commit(),
                    cache.snapshotDir(r.repoId(), r.commit()).toString(), r.selection().components(),
                    r.selection().reason(), files, null));
        }
        return new PrefetchReport(cache.root().toString(), false, true, repos, downloaded, plan.totalBytes(), bytes,
                (System.nanoTime() - started) / 1e9, notices);
    }

    /** What is selected and what of it the cache already holds, shown before any byte is fetched. */
    private PrefetchPlan plan(List<RepoResolver.ResolvedRepo> resolved) {
        List<PrefetchPlan.RepoPlan> repoPlans = new ArrayList<>();
        for (RepoResolver.ResolvedRepo r : resolved) {
            List<PrefetchPlan.PlannedFile> files = new ArrayList<>();
            for (RemoteEntry e : r.selection().files()) {
                boolean cached = cache.isCached(r.repoId(), r.commit(), e.path(), e.sizeBytes());
                long resumable = cached || e.etag() == null ? 0
                        : ResumableBlob.resumableBytes(cache.blobPath(r.repoId(), e.etag()), e.sizeBytes(), tuning.chunkBytes());
                files.add(new PrefetchPlan.PlannedFile(e.path(), e.sizeBytes(), cached, resumable));
            }
            repoPlans.add(new PrefetchPlan.RepoPlan(r.ref().source(), r.repoId(), r.ref().revision(), r.commit(),
                    r.selection().components(), r.selection().reason(), files));
        }
        return PrefetchPlan.of(repoPlans, false);
    }
}
