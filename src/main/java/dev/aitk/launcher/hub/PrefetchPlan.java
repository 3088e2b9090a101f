package dev.aitk.launcher.hub;

import java.util.List;

/** What a prefetch will do, shown before any byte is downloaded: per repo the files, sizes and what is cached. */
public record PrefetchPlan(List<RepoPlan> repos, long totalBytes, long cachedBytes, int fileCount, int cachedFileCount) {

    public long toDownloadBytes() {
        return totalBytes - cachedBytes;
    }

    /** One repo: the commit its revision resolved to, the diffusers components chosen (if any) and why. */
    public record RepoPlan(String source, String repoId, String revision, String commit, List<String> components,
                           String selection, List<PlannedFile> files) {
    }

    public record PlannedFile(String path, long sizeBytes, boolean cached) {
    }

    static PrefetchPlan of(List<RepoPlan> repos) {
        long total = 0;
        long cached = 0;
        int files = 0;
        int cachedFiles = 0;
        for (RepoPlan r : repos) {
            for (PlannedFile f : r.files()) {
                total += f.sizeBytes();
                files++;
                if (f.cached()) {
                    cached += f.sizeBytes();
                    cachedFiles++;
                }
            }
        }
        return new PrefetchPlan(List.copyOf(repos), total, cached, files, cachedFiles);
    }
}
