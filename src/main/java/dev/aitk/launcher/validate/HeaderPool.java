package dev.aitk.launcher.validate;

import dev.aitk.launcher.images.ImageHeader;
import dev.aitk.launcher.images.ImageHeaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Reads many image headers on a bounded pool, in chunks so 100,000 files cost a few hundred tasks. */
final class HeaderPool {
    private static final int CHUNK = 512;

    private HeaderPool() {
    }

    static ImageHeader[] readAll(ExecutorService pool, List<Path> files) {
        ImageHeader[] out = new ImageHeader[files.size()];
        List<Future<?>> futures = new ArrayList<>();
        for (int start = 0; start < files.size(); start += CHUNK) {
            int from = start;
            int to = Math.min(files.size(), start + CHUNK);
            futures.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    out[i] = ImageHeaders.readHeader(files.get(i));
                }
            }));
        }
        await(futures);
        return out;
    }

    static void await(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading images", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("reading images failed", e.getCause());
            }
        }
    }
}
