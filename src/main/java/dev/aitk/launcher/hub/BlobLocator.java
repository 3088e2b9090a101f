package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Asks the Hub where each selected file that is not cached lives (HEAD on its resolve URL, in parallel, which also
 * checks access before any long download) and makes one {@link BlobTransfer} per distinct blob, largest first.
 */
final class BlobLocator {
    private static final int PARALLEL_HEADS = 8;

    private final HubApi api;
    private final HubCache cache;
    private final ApiRetries retries;

    BlobLocator(HubApi api, HubCache cache, ApiRetries retries) {
        this.api = api;
        this.cache = cache;
        this.retries = retries;
    }

    /**
     * The transfers one repo still needs. A file another launcher completed since the plan was made goes into
     * {@code results} as cached, so every selected file ends with a result.
     */
    List<BlobTransfer> transfersFor(RepoResolver.ResolvedRepo r, Downloader downloader,
                                    Map<String, PrefetchReport.FileResult> results) {
        String repoId = r.repoId();
        List<RemoteEntry> missing = new ArrayList<>();
        for (RemoteEntry e : r.selection().files()) {
            if (!cache.isCached(repoId, r.commit(), e.path(), e.sizeBytes())) {
                missing.add(e);
            } else {
                results.putIfAbsent(repoId + "\n" + e.path(),
                        new PrefetchReport.FileResult(e.path(), e.sizeBytes(), PrefetchReport.Status.CACHED, null, null, 0));
            }
        }
        ExecutorService heads = Executors.newFixedThreadPool(Math.min(PARALLEL_HEADS, Math.max(1, missing.size())), t -> {
            Thread th = new Thread(t, "hub-head");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<HubApi.FileLocation>> futures = new ArrayList<>();
            for (RemoteEntry e : missing) {
                futures.add(heads.submit(() -> retries.call("the lookup of " + repoId + "/" + e.path(),
                        () -> api.locate(repoId, r.commit(), e.path()))));
            }
            Map<String, List<String>> pathsByEtag = new LinkedHashMap<>();
            Map<String, HubApi.FileLocation> locByEtag = new LinkedHashMap<>();
            for (int i = 0; i < missing.size(); i++) {
                HubApi.FileLocation loc = futures.get(i).get();
                pathsByEtag.computeIfAbsent(loc.etag(), k -> new ArrayList<>()).add(missing.get(i).path());
                locByEtag.putIfAbsent(loc.etag(), loc);
            }
            List<BlobTransfer> transfers = new ArrayList<>();
            for (String etag : pathsByEtag.keySet()) {
                transfers.add(new BlobTransfer(downloader, repoId, r.commit(), pathsByEtag.get(etag), locByEtag.get(etag)));
            }
            // Largest first: the long shards start at once and small files fill the gaps.
            return transfers.stream().sorted((a, b) -> Long.compare(b.location.sizeBytes(), a.location.sizeBytes())).toList();
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
}
