package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.Retry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many {@link BlobTransfer}s over one bounded pool of connections: chunks of all files share the pool, so a
 * large shard and many small files progress together. The first failure that retries cannot fix stops the rest
 * (their completed chunks stay journalled for the next run).
 */
final class Downloader implements AutoCloseable {
    final HubHttp http;
    final HubApi api;
    final HubCache cache;
    final DownloadTuning tuning;
    final ProgressListener listener;
    final Retry retry;
    final AtomicBoolean cancelled = new AtomicBoolean();
    /** Names this downloader's partial files, unlike any other launcher's. */
    final PartialOwner partialOwner = PartialOwner.register();
    /** False where the file system's locks silently do nothing: only the partial files' own names keep launchers apart. */
    final boolean locksWork;
    /** Reads the time signed download links expire against. */
    final java.time.Clock clock;
    final ExecutorService waiters;
    private final ExecutorService pool;
    private final List<Notice> notices = Collections.synchronizedList(new ArrayList<>());
    private volatile Throwable firstFailure;
    private final java.util.concurrent.atomic.AtomicLong fetched = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong resumed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong foundCached = new java.util.concurrent.atomic.AtomicLong();

    Downloader(HubHttp http, HubApi api, HubCache cache, DownloadTuning tuning, ProgressListener listener) {
        this(http, api, cache, tuning, listener, java.time.Clock.systemUTC(), true);
    }

    Downloader(HubHttp http, HubApi api, HubCache cache, DownloadTuning tuning, ProgressListener listener, java.time.Clock clock,
               boolean locksWork) {
        this.clock = clock;
        this.locksWork = locksWork;
        this.http = http;
        this.api = api;
        this.cache = cache;
        this.tuning = tuning;
        this.listener = listener;
        this.retry = new Retry(tuning.retryPolicy());
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(tuning.connections(), r -> {
            Thread t = new Thread(r, "hub-download-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.waiters = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hub-lock-wait");
            t.setDaemon(true);
            return t;
        });
    }

    void submit(Runnable task) {
        if (!cancelled.get()) {
            pool.execute(task);
        }
    }

    /** Bytes that crossed the network and were written, in this run. */
    void fetched(String repoId, String path, long n) {
        fetched.addAndGet(n);
        listener.transferred(repoId, path, n);
    }

    /** Bytes an interrupted download had already written and that are kept. */
    void resumed(long n) {
        resumed.addAndGet(n);
    }

    /** A file another launcher completed after the plan was shown. */
    void foundCached(long n) {
        foundCached.addAndGet(n);
    }

    long fetchedBytes() {
        return fetched.get();
    }

    long resumedBytes() {
        return resumed.get();
    }

    long foundCachedBytes() {
        return foundCached.get();
    }

    void notice(Notice notice) {
        notices.add(notice);
        listener.notice(notice);
    }

    List<Notice> notices() {
        return List.copyOf(notices);
    }

    void failed(Throwable t) {
        if (firstFailure == null) {
            firstFailure = t;
        }
        cancelled.set(true);
    }

    /** Starts every transfer and waits for all; throws the first unrecoverable failure as the user should see it. */
    List<PrefetchReport.FileResult> runAll(List<BlobTransfer> transfers) {
        for (BlobTransfer t : transfers) {
            t.start();
        }
        CompletableFuture<?> all = CompletableFuture.allOf(transfers.stream().map(t -> t.result).toArray(CompletableFuture[]::new));
        try {
            while (true) {
                try {
                    all.get(200, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    if (firstFailure != null) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            cancelled.set(true);
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "prefetch interrupted; completed chunks are kept, run it again to resume");
        } catch (ExecutionException e) {
            // firstFailure holds the cause; handled below.
        }
        if (firstFailure != null) {
            cancelled.set(true);
            Throwable t = firstFailure;
            if (t instanceof LauncherException le) {
                throw le;
            }
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "download failed (" + HubApi.describe(
                    t instanceof java.io.IOException io ? io : new java.io.IOException(t.toString()))
                    + "); completed chunks are kept, run again to resume", t);
        }
        List<PrefetchReport.FileResult> out = new ArrayList<>();
        for (BlobTransfer t : transfers) {
            out.add(t.result.join());
        }
        return out;
    }

    @Override
    public void close() {
        cancelled.set(true);
        partialOwner.release();
        pool.shutdownNow();
        waiters.shutdownNow();
    }
}
