package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One blob on its way into the cache. Fast path: the file is cut into chunks fetched in parallel with ranged GETs,
 * each written at its offset into {@code blobs/<etag>.aitk.incomplete} and recorded in a journal once flushed;
 * each chunk retries on its own (backoff with jitter, idle timeout, Retry-After). Fallback: when the server
 * ignores ranges or a chunk keeps failing, the rest comes over one resumable stream. The blob is verified
 * (sha256 for LFS, git sha1 otherwise, size always) before its atomic rename; snapshot links come last.
 */
final class FileTransfer {
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);

    final String repoId;
    final String commit;
    final List<String> paths;
    final RemoteEntry entry;
    final HubApi.FileLocation location;
    private final Downloader owner;
    private final HubCache cache;
    private final DownloadTuning tuning;
    private final long sizeBytes;
    private final long chunkBytes;
    private final Path blob;
    private final Path incomplete;
    private final Path journalPath;
    private final Path lockPath;

    final CompletableFuture<PrefetchReport.FileResult> result = new CompletableFuture<>();
    private final AtomicBoolean streaming = new AtomicBoolean();
    private final AtomicBoolean finalizing = new AtomicBoolean();
    private final AtomicInteger retries = new AtomicInteger();
    private volatile String fallbackReason;
    private volatile java.net.URI downloadUri;
    private boolean checksumRetried;
    private FileChannel data;
    private ChunkJournal journal;
    private FileChannel lockChannel;
    private FileLock lock;
    private final java.util.concurrent.locks.ReentrantLock hashLock = new java.util.concurrent.locks.ReentrantLock();
    private MessageDigest digest;
    private int hashedChunks;

    FileTransfer(Downloader owner, String repoId, String commit, List<String> paths, RemoteEntry entry,
                 HubApi.FileLocation location) {
        this.owner = owner;
        this.repoId = repoId;
        this.commit = commit;
        this.paths = List.copyOf(paths);
        this.entry = entry;
        this.location = location;
        this.downloadUri = location.downloadUri();
        this.cache = owner.cache;
        this.tuning = owner.tuning;
        this.sizeBytes = location.sizeBytes();
        this.chunkBytes = tuning.chunkBytes();
        this.blob = cache.blobPath(repoId, location.etag());
        this.incomplete = blob.resolveSibling(location.etag() + ".aitk.incomplete");
        this.journalPath = blob.resolveSibling(location.etag() + ".aitk.chunks");
        this.lockPath = cache.lockPath(repoId, location.etag());
    }

    String displayPath() {
        return paths.get(0);
    }

    /** Takes the cross-process lock (waiting for another launcher if it holds it), then schedules the chunks. */
    void start() {
        try {
            Files.createDirectories(lockPath.getParent());
            Files.createDirectories(blob.getParent());
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock();
            if (lock == null) {
                owner.notice(new Notice(Notice.Kind.WAITING_FOR_OTHER_DOWNLOAD, repoId, displayPath(),
                        "another process is downloading " + displayPath() + "; waiting for it to finish"));
                owner.waiters.execute(this::waitForLockThenBegin);
                return;
            }
            begin();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private FileLock tryLock() throws IOException {
        try {
            return lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private void waitForLockThenBegin() {
        try {
            while (lock == null) {
                if (owner.cancelled.get()) {
                    fail(new LauncherException(ExitCode.INTERRUPTED, "cancelled"));
                    return;
                }
                Thread.sleep(200);
                lock = tryLock();
            }
            begin();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new LauncherException(ExitCode.INTERRUPTED, "interrupted while waiting for another download of " + displayPath()));
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void begin() throws IOException {
        if (Files.isRegularFile(blob) && Files.size(blob) == sizeBytes) {
            // Another process (or an earlier run) finished it while we waited or before we began.
            Files.deleteIfExists(incomplete);
            Files.deleteIfExists(journalPath);
            publish(PrefetchReport.Status.CACHED, null);
            return;
        }
        if (!Files.isRegularFile(incomplete) || Files.size(incomplete) != sizeBytes) {
            // A journal only describes the data file it was written with: a missing or resized one starts over.
            Files.deleteIfExists(journalPath);
            Files.deleteIfExists(incomplete);
        }
        try (RandomAccessFile raf = new RandomAccessFile(incomplete.toFile(), "rw")) {
            if (raf.length() != sizeBytes) {
                raf.setLength(sizeBytes);
            }
        }
        data = FileChannel.open(incomplete, StandardOpenOption.READ, StandardOpenOption.WRITE);
        journal = ChunkJournal.open(journalPath, incomplete, sizeBytes, chunkBytes);
        resetDigest();
        owner.listener.fileStarted(repoId, displayPath(), sizeBytes, bytesDone());
        if (journal.doneCount() == journal.chunkCount()) {
            finishIfComplete();
            return;
        }
        for (int i = 0; i < journal.chunkCount(); i++) {
            if (!journal.isDone(i)) {
                int index = i;
                owner.submit(() -> runChunk(index));
            }
        }
    }

    private long bytesDone() {
        long sum = 0;
        for (int i = 0; i < journal.chunkCount(); i++) {
            if (journal.isDone(i)) {
                sum += chunkEnd(i) - chunkStart(i) + 1;
            }
        }
        return sum;
    }

    private long chunkStart(int i) {
        return i * chunkBytes;
    }

    private long chunkEnd(int i) {
        return Math.min(sizeBytes, (i + 1) * chunkBytes) - 1;
    }

    private boolean stopped() {
        return result.isDone() || owner.cancelled.get();
    }

    /** Where a body copy got to; survives the exception that interrupted it, so a retry resumes there. */
    private static final class Cursor {
        long position;

        Cursor(long position) {
            this.position = position;
        }
    }

    private void runChunk(int index) {
        long start = chunkStart(index);
        long end = chunkEnd(index);
        Cursor cursor = new Cursor(start);
        int attempt = 0;
        Duration rateLimitWaited = Duration.ZERO;
        while (!stopped() && !streaming.get()) {
            long before = cursor.position;
            try {
                if (cursor.position <= end) {
                    fetchRange(cursor, end, false);
                }
                if (streaming.get()) {
                    return;
                }
                journal.markDone(index);
                advanceHash(false);
                finishIfComplete();
                return;
            } catch (RetryableException e) {
                if (e.rateLimited()) {
                    rateLimitWaited = waitRateLimit(e, rateLimitWaited);
                    continue;
                }
                attempt = cursor.position > before ? 1 : attempt + 1;
                String where = "chunk " + (index + 1) + "/" + journal.chunkCount() + " (bytes " + start + "-" + end + ")";
                if (attempt >= tuning.maxAttempts()) {
                    startStreaming(where + " failed " + attempt + " times (" + e.getMessage() + ")");
                    return;
                }
                retryNotice(e, where, attempt);
                sleep(tuning.backoff(attempt, ThreadLocalRandom.current().nextDouble()));
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
        }
    }

    /**
     * GETs bytes [cursor, end] and writes them at their offsets. Returns normally when all arrived; throws
     * {@link RetryableException} on a stall, reset, truncation or retryable status. In stream mode a 200 answer
     * (ranges ignored) restarts the cursor at 0.
     */
    private void fetchRange(Cursor cursor, long end, boolean streamMode) throws IOException {
        HubHttp.Response r;
        // A stream to the end of the file asks for an open range (bytes=N-), as a plain resumable download does.
        long requestEnd = streamMode && end == sizeBytes - 1 ? -1 : end;
        try {
            r = owner.http.send("GET", downloadUri, cursor.position, requestEnd, true);
        } catch (SocketTimeoutException e) {
            throw new RetryableException("no answer within " + owner.http.idleTimeout().toSeconds() + " s", Optional.empty(), true, e);
        } catch (IOException e) {
            throw new RetryableException(HubApi.describe(e), Optional.empty(), false, e);
        }
        try {
            if (r.status == 200) {
                boolean wholeFile = cursor.position == 0 && end == sizeBytes - 1;
                if (!wholeFile && !streamMode) {
                    r.abort();
                    startStreaming("the server ignored Range requests (it answered 200 to a ranged GET)");
                    return;
                }
                if (!wholeFile) {
                    fallbackReason = "the server ignored Range requests (it answered 200 to a ranged GET)";
                    cursor.position = 0;
                    end = sizeBytes - 1;
                }
            } else if (r.status == 206) {
                long served = contentRangeStart(r);
                if (served != cursor.position) {
                    r.abort();
                    throw new RetryableException("the server sent bytes from " + served + " instead of " + cursor.position);
                }
            } else if ((r.status == 401 || r.status == 403 || r.status == 410)
                    && !HubHttp.sameOrigin(r.url, owner.api.endpoint())) {
                // Signed CDN links expire (a day-long download outlives them): ask the Hub for a fresh one.
                r.abort();
                refreshDownloadUri();
                throw new RetryableException("the download link expired (" + r.status + "); got a fresh one");
            } else {
                owner.api.check(r, repoId, commit, displayPath());
                r.abort();
                throw new RetryableException("unexpected answer " + r.status);
            }
            copyBody(r, cursor, end, streamMode);
        } finally {
            r.close();
        }
    }

    private synchronized void refreshDownloadUri() throws IOException {
        HubApi.FileLocation fresh = owner.api.locate(repoId, commit, displayPath());
        if (!fresh.etag().equals(location.etag())) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, repoId + "/" + displayPath()
                    + " changed on the Hub during the download (a new etag at the same commit); run again");
        }
        downloadUri = fresh.downloadUri();
    }

    private static long contentRangeStart(HubHttp.Response r) {
        String cr = r.header("Content-Range").orElse("");
        int space = cr.indexOf(' ');
        int dash = cr.indexOf('-');
        try {
            return Long.parseLong(cr.substring(space + 1, dash).strip());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void copyBody(HubHttp.Response r, Cursor cursor, long end, boolean streamMode) throws IOException {
        byte[] buffer = BUFFERS.get();
        InputStream in = r.body();
        while (cursor.position <= end) {
            if (owner.cancelled.get() || (!streamMode && streaming.get()) || result.isDone()) {
                r.abort();
                return;
            }
            int want = (int) Math.min(buffer.length, end - cursor.position + 1);
            int n;
            try {
                n = in.read(buffer, 0, want);
            } catch (SocketTimeoutException e) {
                r.abort();
                throw new RetryableException("no bytes for " + owner.http.idleTimeout().toSeconds() + " s at byte "
                        + cursor.position, Optional.empty(), true, e);
            } catch (IOException e) {
                r.abort();
                throw new RetryableException(HubApi.describe(e) + " at byte " + cursor.position, Optional.empty(), false, e);
            }
            if (n < 0) {
                r.abort();
                throw new RetryableException("the body ended early at byte " + cursor.position + " of " + (end + 1));
            }
            long before = cursor.position;
            write(buffer, n, before);
            cursor.position += n;
            owner.listener.transferred(repoId, displayPath(), n);
            if (streamMode) {
                // A stream records each chunk it completes, so a crash mid-stream resumes from there too.
                for (int c = (int) (before / chunkBytes); c < journal.chunkCount() && chunkEnd(c) < cursor.position; c++) {
                    if (!journal.isDone(c)) {
                        journal.markDone(c);
                    }
                }
                advanceHash(false);
            }
        }
    }

    private void write(byte[] buffer, int n, long position) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
        long pos = position;
        try {
            while (bb.hasRemaining()) {
                pos += data.write(bb, pos);
            }
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk full") || m.contains("not enough space")) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the disk holding the cache " + cache.root()
                        + " is full while writing " + displayPath() + "; free space or move the cache (HF_HOME or --cache-dir), then run again to resume", e);
            }
            throw e;
        }
    }

    private void startStreaming(String reason) {
        if (!streaming.compareAndSet(false, true)) {
            return;
        }
        fallbackReason = reason;
        owner.notice(new Notice(Notice.Kind.FALLBACK, repoId, displayPath(),
                "falling back to a single resumable stream for " + displayPath() + ": " + reason));
        owner.submit(this::runStream);
    }

    /** The fallback: one connection, sequential, resuming where it stopped; each completed chunk is journalled. */
    private void runStream() {
        int attempt = 0;
        Duration rateLimitWaited = Duration.ZERO;
        while (!stopped()) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < journal.chunkCount(); i++) {
                if (!journal.isDone(i)) {
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                } else if (first >= 0) {
                    break;
                }
            }
            if (first < 0) {
                finishIfComplete();
                return;
            }
            Cursor cursor = new Cursor(chunkStart(first));
            long before = cursor.position;
            try {
                fetchRange(cursor, chunkEnd(last), true);
                for (int i = 0; i < journal.chunkCount() && chunkEnd(i) < cursor.position; i++) {
                    journal.markDone(i);
                }
                attempt = 0;
            } catch (RetryableException e) {
                if (e.rateLimited()) {
                    rateLimitWaited = waitRateLimit(e, rateLimitWaited);
                    continue;
                }
                attempt = cursor.position > before ? 1 : attempt + 1;
                if (attempt >= tuning.maxAttempts()) {
                    fail(new LauncherException(ExitCode.DOWNLOAD_FAILED, "downloading " + repoId + "/" + displayPath()
                            + " failed over parallel ranges and then over a single stream (" + e.getMessage()
                            + "); completed parts are kept: check the network or try a mirror with --endpoint, then run again to resume"));
                    return;
                }
                retryNotice(e, "stream at byte " + cursor.position, attempt);
                sleep(tuning.backoff(attempt, ThreadLocalRandom.current().nextDouble()));
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
        }
    }

    private void retryNotice(RetryableException e, String where, int attempt) {
        retries.incrementAndGet();
        String text = (e.stall() ? "stall: " : "") + e.getMessage() + " on " + displayPath() + " " + where
                + ", retrying (attempt " + (attempt + 1) + " of " + tuning.maxAttempts() + ")";
        owner.notice(new Notice(e.stall() ? Notice.Kind.STALL : Notice.Kind.RETRY, repoId, displayPath(), text));
    }

    private Duration waitRateLimit(RetryableException e, Duration waitedSoFar) {
        Duration wait = e.retryAfter().orElse(Duration.ofSeconds(5));
        Duration total = waitedSoFar.plus(wait);
        if (total.compareTo(tuning.rateLimitBudget()) > 0) {
            fail(new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept rate-limiting downloads of " + repoId
                    + " (429) for over " + tuning.rateLimitBudget().toMinutes() + " minutes; wait a while and run again (completed parts are kept), or set HF_TOKEN for higher limits"));
            return total;
        }
        owner.notice(new Notice(Notice.Kind.RATE_LIMITED, repoId, displayPath(),
                "rate limited (429) on " + displayPath() + "; waiting " + Math.max(1, wait.toSeconds()) + " s as the Hub asked"));
        sleep(wait);
        return total;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            owner.cancelled.set(true);
        }
    }

    private void finishIfComplete() {
        if (journal.doneCount() != journal.chunkCount() || !finalizing.compareAndSet(false, true) || stopped()) {
            return;
        }
        try {
            if (tuning.syncBeforeRename()) {
                data.force(true);
            }
            Optional<String> mismatch = verify();
            if (mismatch.isPresent()) {
                if (checksumRetried) {
                    fail(new LauncherException(ExitCode.DOWNLOAD_FAILED, repoId + "/" + displayPath() + " failed verification twice ("
                            + mismatch.get() + "); the server or a proxy is corrupting it: try a mirror with --endpoint or another network"));
                    return;
                }
                checksumRetried = true;
                owner.notice(new Notice(Notice.Kind.CHECKSUM_MISMATCH, repoId, displayPath(), displayPath() + " failed verification ("
                        + mismatch.get() + "); downloading it again as one stream"));
                journal.reset(sizeBytes, chunkBytes);
                resetDigest();
                streaming.set(true);
                fallbackReason = "verification failed (" + mismatch.get() + "); downloaded again as one stream";
                finalizing.set(false);
                runStream();
                return;
            }
            data.close();
            journal.close();
            HubCache.moveAtomically(incomplete, blob);
            Files.deleteIfExists(journalPath);
            publish(PrefetchReport.Status.DOWNLOADED, fallbackReason);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Starts the checksum: sha256 for LFS files, the git blob sha1 for small files whose etag is one, none otherwise. */
    private void resetDigest() {
        hashLock.lock();
        try {
            String etag = location.etag();
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
            hashLock.unlock();
        }
    }

    /**
     * Hashes the completed prefix as chunks land, so verification overlaps the download instead of following it.
     * A thread that finds another hashing moves on; that one (or the final check) picks the new chunks up.
     */
    private void advanceHash(boolean wait) throws IOException {
        if (wait) {
            hashLock.lock();
        } else if (!hashLock.tryLock()) {
            return;
        }
        try {
            if (digest == null) {
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES);
            while (hashedChunks < journal.chunkCount() && journal.isDone(hashedChunks)) {
                long pos = chunkStart(hashedChunks);
                long end = chunkEnd(hashedChunks) + 1;
                while (pos < end) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                    int n = data.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("the incomplete file is shorter than its journal says");
                    }
                    buf.flip();
                    digest.update(buf);
                    pos += n;
                }
                hashedChunks++;
            }
        } finally {
            hashLock.unlock();
        }
    }

    /** Size always, and the checksum the etag promises. */
    private Optional<String> verify() throws IOException {
        if (data.size() != sizeBytes) {
            return Optional.of("size " + data.size() + " instead of " + sizeBytes);
        }
        advanceHash(true);
        hashLock.lock();
        try {
            if (digest == null) {
                return Optional.empty();
            }
            String etag = location.etag();
            String actual = HexFormat.of().formatHex(digest.digest());
            return actual.equals(etag) ? Optional.empty()
                    : Optional.of((etag.length() == 64 ? "sha256 " : "git sha1 ") + actual.substring(0, 12) + "… instead of " + etag.substring(0, 12) + "…");
        } finally {
            hashLock.unlock();
        }
    }

    /** Links every snapshot path to the verified blob, releases the lock and reports the file done. */
    private void publish(PrefetchReport.Status status, String reason) throws IOException {
        if (cache.symlinksDisabled() && Files.isRegularFile(blob)) {
            // Without symlinks the blob itself moves into the snapshot (copies for any duplicate paths), as in huggingface_hub.
            for (String path : paths.subList(1, paths.size())) {
                cache.linkSnapshot(repoId, commit, path, location.etag());
            }
            cache.placeWithoutSymlink(repoId, commit, paths.get(0), blob);
        } else {
            for (String path : paths) {
                cache.linkSnapshot(repoId, commit, path, location.etag());
            }
        }
        release();
        owner.listener.fileFinished(repoId, displayPath());
        String method = status == PrefetchReport.Status.CACHED ? null
                : streaming.get() ? "single stream" : journal != null && journal.chunkCount() > 1 ? "parallel ranges" : "single request";
        result.complete(new PrefetchReport.FileResult(displayPath(), sizeBytes, status, method, reason, retries.get()));
    }

    void fail(Throwable e) {
        Throwable t = e;
        if (e instanceof AccessDeniedException ade) {
            t = new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot write to the cache at " + ade.getFile()
                    + " (permission denied); fix its permissions or point HF_HOME / --cache-dir at a writable folder", e);
        }
        if (result.completeExceptionally(t)) {
            closeQuietly();
            release();
            owner.failed(t);
        }
    }

    private void closeQuietly() {
        try {
            if (data != null) {
                data.close();
            }
            if (journal != null) {
                journal.close();
            }
        } catch (IOException ignored) {
            // The journal holds only flushed entries; closing cannot lose any.
        }
    }

    private void release() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // The OS drops the lock with the process anyway.
        }
    }
}
