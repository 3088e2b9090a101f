package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.Retry;
import java.time.Duration;

/**
 * Knobs of the fast path. Defaults suit a data-centre link to the Hub's CDN; tests shrink the timeouts and
 * backoffs so a stalled body or a retry costs a second, not a minute.
 *
 * @param connections     parallel connections across all files (bounded, unlike hf_transfer's 100)
 * @param chunkBytes      size of one ranged request; also the unit recorded as done in the journal
 * @param idleTimeout     a body that delivers no byte for this long is a stall: the chunk is retried
 * @param maxAttempts     tries per chunk before the file falls back to a single stream (and per stream stretch)
 * @param rateLimitBudget longest total wait on 429 answers before giving up
 * @param syncBeforeRename fsync each blob before its rename, so even a power cut never leaves a corrupt file under
 *                         a final name (huggingface_hub and aria2c do not; on a disk slower than the network this
 *                         costs the time to flush what the page cache still holds)
 */
public record DownloadTuning(int connections, long chunkBytes, Duration idleTimeout, Duration connectTimeout,
                             int maxAttempts, Duration backoffBase, Duration backoffMax, Duration rateLimitBudget,
                             boolean syncBeforeRename) {

    public static final int DEFAULT_CONNECTIONS = 16;
    public static final long DEFAULT_CHUNK_BYTES = 16L * 1024 * 1024;

    public DownloadTuning {
        if (connections < 1 || chunkBytes < 64 * 1024 || maxAttempts < 1) {
            throw new IllegalArgumentException("connections >= 1, chunk >= 64 KiB and attempts >= 1 are required");
        }
    }

    public static DownloadTuning defaults() {
        return new DownloadTuning(DEFAULT_CONNECTIONS, DEFAULT_CHUNK_BYTES, Duration.ofSeconds(60), Duration.ofSeconds(20),
                6, Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofMinutes(10), true);
    }

    public DownloadTuning withConnections(int n) {
        return new DownloadTuning(n, chunkBytes, idleTimeout, connectTimeout, maxAttempts, backoffBase, backoffMax, rateLimitBudget, syncBeforeRename);
    }

    public DownloadTuning withChunkBytes(long bytes) {
        return new DownloadTuning(connections, bytes, idleTimeout, connectTimeout, maxAttempts, backoffBase, backoffMax, rateLimitBudget, syncBeforeRename);
    }

    public DownloadTuning withIdleTimeout(Duration d) {
        return new DownloadTuning(connections, chunkBytes, d, connectTimeout, maxAttempts, backoffBase, backoffMax, rateLimitBudget, syncBeforeRename);
    }

    public DownloadTuning withSyncBeforeRename(boolean value) {
        return new DownloadTuning(connections, chunkBytes, idleTimeout, connectTimeout, maxAttempts, backoffBase, backoffMax, rateLimitBudget, value);
    }

    /** Tries, backoff and the 429 wait budget, as the one retry loop takes them. */
    public Retry.Policy retryPolicy() {
        return new Retry.Policy(maxAttempts, backoffBase, backoffMax, rateLimitBudget);
    }
}
