package dev.aitk.launcher.hub;

import java.util.List;

/**
 * What a prefetch will do, shown before any byte is downloaded: per repo the files, sizes, what is cached and what
 * an interrupted download already holds ({@code resumableBytes}, kept and not fetched again). {@code offlineCheck}:
 * the plan of a check that only reads the cache.
 */
public record PrefetchPlan(List<RepoPlan> repos, long totalBytes, long cachedBytes, long resumableBytes, int fileCount,
                           int cachedFileCount, boolean offlineCheck) {

    /** What has to cross the network now. */
    public long toDownloadBytes() {
        return totalBytes - cachedBytes - resumableBytes;
    }

    /** One repo: the commit its revision resolved to, the diffusers components chosen (if any) and why. */
    public record RepoPlan(String source, String repoId, String revision, String commit, List<String> components,
                           String selection, List<PlannedFile> files) {
    }

    public record PlannedFile(String path, long sizeBytes, boolean cached, long resumableBytes) {
        public PlannedFile(String path, long sizeBytes, boolean cached) {
            this(path, sizeBytes, cached, 0);
        }
    }

    static PrefetchPlan of(List<RepoPlan> repos, boolean offlineCheck) {
        long total = 0;
        long cached = 0;
        int files = 0;
        int cachedFiles = 0;
        long resumable = 0;
        for (RepoPlan r : repos) {
            for (PlannedFile f : r.files()) {
                total += f.sizeBytes();
                files++;
                if (f.cached()) {
                    cached += f.sizeBytes();
                    cachedFiles++;
                } else {
                    resumable += f.resumableBytes();
                }
            }
        }
        return new PrefetchPlan(List.copyOf(repos), total, cached, resumable, files, cachedFiles, offlineCheck);
    }
}
