package dev.aitk.launcher.hub;

import java.util.List;

/**
 * The outcome: where the cache is, per repo and file what happened (cached, downloaded, missing; by parallel
 * ranges or the single-stream fallback and why), bytes moved, time taken and every notice. {@code complete}
 * means the cache holds all of it, so the run can be started with HF_HUB_OFFLINE=1. {@code downloadedBytes} is the
 * size of the files completed now; {@code bytes} says where those and the others came from.
 */
public record PrefetchReport(String cacheDir, boolean offlineCheck, boolean complete, List<RepoResult> repos,
                             long downloadedBytes, long totalBytes, Bytes bytes, double seconds, List<Notice> notices) {

    /**
     * Where the bytes came from: already in the cache, kept from an interrupted download (the resume journal), or
     * fetched over the network now. Speed is {@code fetchedNowBytes} over the time taken, never the file sizes.
     */
    public record Bytes(long alreadyCachedBytes, long resumedBytes, long fetchedNowBytes) {
        public static final Bytes NONE = new Bytes(0, 0, 0);
    }

    /** Bytes per second over what crossed the network in this run. */
    public double fetchedBytesPerSecond() {
        return bytes.fetchedNowBytes() / Math.max(0.001, seconds);
    }

    /** {@code problem} is set when the repo could not be checked at all (offline with no cached revision). */
    public record RepoResult(String source, String repoId, String revision, String commit, String snapshotDir,
                             List<String> components, String selection, List<FileResult> files, String problem) {
    }

    public enum Status { CACHED, DOWNLOADED, MISSING }

    public record FileResult(String path, long sizeBytes, Status status, String method, String fallbackReason, int retries) {
    }

    /** One line per missing file or unusable repo, for messages. */
    public List<String> missingDescriptions() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (RepoResult r : repos) {
            if (r.problem() != null) {
                out.add(r.repoId() + ": " + r.problem());
            }
            r.files().stream().filter(f -> f.status() == Status.MISSING).forEach(f -> out.add(r.repoId() + "/" + f.path()));
        }
        return out;
    }

    /** "N item(s) missing from the cache at DIR (first: ...)", for the caller to finish with its own advice. */
    public String missingSentence() {
        List<String> missing = missingDescriptions();
        return missing.size() + " item(s) missing from the cache at " + cacheDir
                + (missing.isEmpty() ? "" : " (first: " + missing.get(0) + ")");
    }
}
