package dev.aitk.launcher.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The checksum a blob's etag promises: sha256 for LFS files, the git blob sha1 for small files whose etag is one,
 * none otherwise. It hashes the completed prefix as chunks land, so verification overlaps the download instead of
 * following it; a thread that finds another hashing moves on, and that one (or the final check) picks the new
 * chunks up.
 */
final class BlobChecksum {
    private static final int BUFFER_BYTES = 256 * 1024;

    private final String etag;
    private final long sizeBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private MessageDigest digest;
    private int hashedChunks;

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
        ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
        while (hashedChunks < blob.chunkCount() && blob.isDone(hashedChunks)) {
            long pos = blob.chunkStart(hashedChunks);
            long end = blob.chunkEnd(hashedChunks) + 1;
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = blob.read(buf, pos);
                if (n < 0) {
                    throw new IOException("the incomplete file is shorter than its journal says");
                }
                buf.flip();
                digest.update(buf);
                pos += n;
            }
            hashedChunks++;
        }
    }
}
