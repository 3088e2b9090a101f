package dev.aitk.launcher.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The checksum a blob's etag promises: sha256 for LFS files, the git blob sha1 for small files whose etag is one,
 * none otherwise. It hashes the completed prefix as chunks land, so verification overlaps the download instead of
 * following it; a thread that finds another hashing moves on, and that one (or the final check) picks the new
 * chunks up.
 */
final class BlobChecksum {

    private final String etag;
    private final long sizeBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final RangeDigest reader = new RangeDigest();
    private MessageDigest digest;
    private int hashedChunks;

    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    /**
     * Hashes 2 MiB of zeros on a background thread, once per process. The JIT turns SHA-256 into the CPU's SHA
     * instructions only once the digest code is hot; until then it runs interpreted at a few tens of MB/s. Left to the
     * download, that warm-up happens while every core is busy with the transfer and the compile queue is long, and the
     * first hundreds of MiB are hashed slowly (compiled about 1.6 s into a 2.8 s benchmark run); done while the Hub
     * is still being asked for the file list, the digest is compiled before the first chunk lands (0.4 s).
     */
    static void warmUp() {
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            // 2 MiB: enough for the compiler to take the block loop (measured: compiled 0.1 s after the warm-up
            // starts); SHA-1, used only for small files, is not worth warming.
            byte[] zeros = new byte[64 * 1024];
            try {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                for (int i = 0; i < 32; i++) {
                    d.update(zeros);
                }
                d.digest();
            } catch (NoSuchAlgorithmException e) {
                // Nothing to warm up: the real checksum reports the missing algorithm.
            }
        }, "hub-digest-warm-up");
        t.setDaemon(true);
        t.start();
    }

    BlobChecksum(String etag, long sizeBytes) {
        this.etag = etag;
        this.sizeBytes = sizeBytes;
        reset();
    }

    /** Starts over (the file is being fetched again). */
    void reset() {
        lock.lock();
        try {
            hashedChunks = 0;
            digest = null;
            if (etag.matches("[0-9a-f]{64}")) {
                digest = MessageDigest.getInstance("SHA-256");
            } else if (etag.matches("[0-9a-f]{40}")) {
                digest = MessageDigest.getInstance("SHA-1");
                digest.update(("blob " + sizeBytes + "\0").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Hashes the chunks completed in order from where it stopped; returns at once if another thread is hashing. */
    void advance(ResumableBlob blob) throws IOException {
        if (lock.tryLock()) {
            try {
                hashDonePrefix(blob);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Size always, and the checksum the etag promises; empty when the blob is right. */
    Optional<String> verify(ResumableBlob blob) throws IOException {
        if (blob.currentSize() != sizeBytes) {
            return Optional.of("size " + blob.currentSize() + " instead of " + sizeBytes);
        }
        lock.lock();
        try {
            hashDonePrefix(blob);
            if (digest == null) {
                return Optional.empty();
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            return actual.equals(etag) ? Optional.empty()
                    : Optional.of((etag.length() == 64 ? "sha256 " : "git sha1 ") + actual.substring(0, 12) + "… instead of " + etag.substring(0, 12) + "…");
        } finally {
            lock.unlock();
        }
    }

    private void hashDonePrefix(ResumableBlob blob) throws IOException {
        if (digest == null) {
            return;
        }
        while (hashedChunks < blob.chunkCount() && blob.isDone(hashedChunks)) {
            blob.digest(digest, reader, blob.chunkStart(hashedChunks), blob.chunkEnd(hashedChunks) + 1);
            hashedChunks++;
        }
    }
}
