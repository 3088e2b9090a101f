package dev.aitk.launcher.data;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The migration's worker threads: tasks run in parallel, the first failure cancels the rest and is reported. */
final class Workers implements AutoCloseable {
    private final ExecutorService pool;

    Workers(int threads) {
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "migrate-data");
            t.setDaemon(true);
            return t;
        });
    }

    /** Every task's result in order; Ctrl+C and I/O failures become the launcher's one-sentence errors. */
    <T> List<T> runAll(List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        List<T> results = new ArrayList<>(tasks.size());
        try {
            for (Future<T> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new LauncherException(ExitCode.INTERRUPTED, "interrupted; finished files are in place, re-run to complete");
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof LauncherException le) {
                throw le;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof IOException io) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "cannot read or write a file (" + io.getMessage()
                        + "); check permissions of the source folders and of --output", io);
            }
            throw new IllegalStateException(cause);
        }
        return results;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
