package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.Retry;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One blob on its way into the cache: takes its {@link BlobLock}, resumes its {@link ResumableBlob}, fetches the
 * missing chunks in parallel through the {@link RangeFetcher} (each retrying on its own), falls back to one
 * resumable stream when the server ignores ranges or a chunk keeps failing, verifies the {@link BlobChecksum},
 * renames the blob into place and links the snapshot paths to it.
 */
final class BlobTransfer {
    final String repoId;
    final String commit;
    final List<String> paths;
    final HubApi.FileLocation location;
    private final Downloader owner;
    private final HubCache cache;
    private final DownloadTuning tuning;
    private final long sizeBytes;
    private final Path blob;

    final CompletableFuture<PrefetchReport.FileResult> result = new CompletableFuture<>();
    private final AtomicBoolean streaming = new AtomicBoolean();
    private final AtomicBoolean finalizing = new AtomicBoolean();
    private final AtomicInteger retries = new AtomicInteger();
    private final BlobChecksum checksum;
    private volatile String fallbackReason;
    private boolean checksumRetried;
    private ResumableBlob partial;
    private RangeFetcher fetcher;
    private BlobLock lock;

    BlobTransfer(Downloader owner, String repoId, String commit, List<String> paths,
                 HubApi.FileLocation location) {
        this.owner = owner;
        this.repoId = repoId;
        this.commit = commit;
        this.paths = List.copyOf(paths);
        this.location = location;
        this.cache = owner.cache;
        this.tuning = owner.tuning;
        this.sizeBytes = location.sizeBytes();
        this.blob = cache.blobPath(repoId, location.etag());
        this.checksum = new BlobChecksum(location.etag(), sizeBytes);
    }

    String displayPath() {
        return paths.get(0);
    }

    /** Takes the cross-process lock (waiting for another launcher if it holds it), then schedules the chunks. */
    void start() {
        try {
            Files.createDirectories(blob.getParent());
            lock = BlobLock.open(cache.lockPath(repoId, location.etag()));
            if (owner.locksWork && !lock.tryAcquire()) {
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

    private void waitForLockThenBegin() {
        try {
            while (!lock.tryAcquire()) {
                if (owner.cancelled.get()) {
                    fail(new LauncherException(ExitCode.INTERRUPTED, "cancelled"));
                    return;
                }
                Thread.sleep(200);
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
            ResumableBlob.discard(blob);
            owner.foundCached(sizeBytes);
            publish(PrefetchReport.Status.CACHED, null);
            return;
        }
        partial = ResumableBlob.open(blob, sizeBytes, tuning.chunkBytes(), owner.partialOwner);
        fetcher = new RangeFetcher(owner, repoId, commit, displayPath(), location, partial);
        owner.resumed(partial.bytesDone());
        owner.listener.fileStarted(repoId, displayPath(), sizeBytes, partial.bytesDone());
        if (partial.allDone()) {
            finishIfComplete();
            return;
        }
        for (int i = 0; i < partial.chunkCount(); i++) {
            if (!partial.isDone(i)) {
                int index = i;
                owner.submit(() -> runChunk(index));
            }
        }
    }

    private boolean stopped() {
        return result.isDone() || owner.cancelled.get();
    }

    private void runChunk(int index) {
        long start = partial.chunkStart(index);
        long end = partial.chunkEnd(index);
        String where = "chunk " + (index + 1) + "/" + partial.chunkCount() + " (bytes " + start + "-" + end + ")";
        RangeFetcher.Cursor cursor = new RangeFetcher.Cursor(start);
        long[] tryStart = {start};
        try {
            boolean complete = owner.retry.run(() -> {
                tryStart[0] = cursor.position;
                if (stopped() || streaming.get()) {
                    return false;
                }
                RangeFetcher.Outcome outcome = cursor.position > end ? RangeFetcher.Outcome.COMPLETE
                        : fetcher.fetch(cursor, end, null, () -> stopped() || streaming.get());
                if (outcome == RangeFetcher.Outcome.RANGES_IGNORED) {
                    startStreaming(RangeFetcher.RANGES_IGNORED);
                }
                return outcome == RangeFetcher.Outcome.COMPLETE;
            }, failure -> judge(failure, cursor.position > tryStart[0]), notices(() -> where));
            if (complete) {
                partial.markDone(index);
                checksum.advance(partial);
                finishIfComplete();
            }
        } catch (Retry.Exhausted e) {
            if (e.waitBudgetSpent()) {
                fail(rateLimitedTooLong());
            } else {
                startStreaming(where + " failed " + e.failures() + " times (" + e.getMessage() + ")");
            }
        } catch (InterruptedException e) {
            cancelled();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Only transient trouble is retried; a try that moved the cursor forward starts the count over. */
    private static Retry.Verdict judge(Exception failure, boolean progressed) {
        if (!(failure instanceof RetryableException e)) {
            return Retry.Verdict.giveUp();
        }
        if (e.rateLimited()) {
            return Retry.Verdict.waitFor(e.retryAfter().orElseThrow());
        }
        if (e.linkRefreshed()) {
            return Retry.Verdict.retryNow();
        }
        return progressed ? Retry.Verdict.retryAfterProgress() : Retry.Verdict.retry();
    }

    /** Each retry and each wait the Hub asked for becomes a notice the user sees as it happens. */
    private Retry.Listener notices(Supplier<String> where) {
        return new Retry.Listener() {
            @Override
            public void retrying(Exception failure, int nextAttempt, int maxAttempts, Duration wait) {
                retries.incrementAndGet();
                boolean stall = failure instanceof RetryableException r && r.stall();
                String text = (stall ? "stall: " : "") + failure.getMessage() + " on " + displayPath() + " " + where.get()
                        + ", retrying (attempt " + nextAttempt + " of " + maxAttempts + ")";
                owner.notice(new Notice(stall ? Notice.Kind.STALL : Notice.Kind.RETRY, repoId, displayPath(), text));
            }

            @Override
            public void waiting(Exception failure, Duration wait) {
                owner.notice(new Notice(Notice.Kind.RATE_LIMITED, repoId, displayPath(),
                        "rate limited (429) on " + displayPath() + "; waiting " + Math.max(1, wait.toSeconds()) + " s as the Hub asked"));
            }
        };
    }

    private LauncherException rateLimitedTooLong() {
        return new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept rate-limiting downloads of " + repoId
                + " (429) for over " + tuning.rateLimitBudget().toMinutes() + " minutes; wait a while and run again (completed parts are kept), or set HF_TOKEN for higher limits");
    }

    private void cancelled() {
        Thread.currentThread().interrupt();
        owner.cancelled.set(true);
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

    /**
     * The fallback: one connection, sequential, resuming where it stopped (each completed chunk is journalled),
     * over every stretch of chunks not yet done.
     */
    private void runStream() {
        while (!stopped()) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < partial.chunkCount(); i++) {
                if (!partial.isDone(i)) {
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
            if (!streamStretch(partial.chunkStart(first), partial.chunkEnd(last))) {
                return;
            }
        }
    }

    /** Streams bytes [from, end] with retries; false when the transfer failed or was stopped. */
    private boolean streamStretch(long from, long end) {
        RangeFetcher.Cursor cursor = new RangeFetcher.Cursor(from);
        long[] tryStart = {from};
        try {
            owner.retry.run(() -> {
                tryStart[0] = cursor.position;
                return stopped() ? RangeFetcher.Outcome.ABANDONED : fetcher.fetch(cursor, end, this::journalStreamed, this::stopped);
            }, failure -> judge(failure, cursor.position > tryStart[0]), notices(() -> "stream at byte " + cursor.position));
            if (cursor.rangesIgnored) {
                fallbackReason = RangeFetcher.RANGES_IGNORED;
            }
            for (int i = 0; i < partial.chunkCount() && partial.chunkEnd(i) < cursor.position; i++) {
                partial.markDone(i);
            }
            return !stopped();
        } catch (Retry.Exhausted e) {
            fail(e.waitBudgetSpent() ? rateLimitedTooLong() : new LauncherException(ExitCode.DOWNLOAD_FAILED, "downloading "
                    + repoId + "/" + displayPath() + " failed over parallel ranges and then over a single stream (" + e.getMessage()
                    + "); completed parts are kept: check the network or try a mirror with --endpoint, then run again to resume"));
        } catch (InterruptedException e) {
            cancelled();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
        return false;
    }

    /** A stream records each chunk it completes, so a crash mid-stream resumes from there too. */
    private void journalStreamed(long from, long to) throws IOException {
        for (int c = partial.chunkOf(from); c < partial.chunkCount() && partial.chunkEnd(c) < to; c++) {
            if (!partial.isDone(c)) {
                partial.markDone(c);
            }
        }
        checksum.advance(partial);
    }

    private void finishIfComplete() {
        if (!partial.allDone() || !finalizing.compareAndSet(false, true) || stopped()) {
            return;
        }
        try {
            if (tuning.syncBeforeRename()) {
                partial.force();
            }
            Optional<String> mismatch = checksum.verify(partial);
            if (mismatch.isPresent()) {
                if (checksumRetried) {
                    fail(new LauncherException(ExitCode.DOWNLOAD_FAILED, repoId + "/" + displayPath() + " failed verification twice ("
                            + mismatch.get() + "); the server or a proxy is corrupting it: try a mirror with --endpoint or another network"));
                    return;
                }
                checksumRetried = true;
                owner.notice(new Notice(Notice.Kind.CHECKSUM_MISMATCH, repoId, displayPath(), displayPath() + " failed verification ("
                        + mismatch.get() + "); downloading it again as one stream"));
                partial.restart();
                checksum.reset();
                streaming.set(true);
                fallbackReason = "verification failed (" + mismatch.get() + "); downloaded again as one stream";
                finalizing.set(false);
                runStream();
                return;
            }
            partial.completeAs(blob);
            publish(PrefetchReport.Status.DOWNLOADED, fallbackReason);
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Links every snapshot path to the verified blob, releases the lock and reports the file done. */
    private void publish(PrefetchReport.Status status, String reason) throws IOException {
        cache.linkAll(repoId, commit, paths, location.etag());
        release();
        owner.listener.fileFinished(repoId, displayPath());
        String method = status == PrefetchReport.Status.CACHED ? null
                : streaming.get() ? "single stream" : partial != null && partial.chunkCount() > 1 ? "parallel ranges" : "single request";
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
            if (partial != null) {
                partial.close();
            }
        } catch (IOException ignored) {
            // The journal holds only flushed entries; closing cannot lose any.
        }
    }

    private void release() {
        if (lock != null) {
            lock.close();
        }
    }
}
