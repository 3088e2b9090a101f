package dev.aitk.launcher.supervise;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The thread that reads the child's merged output in chunks: into the log as is, and line by line into the
 * watcher. After a small read it waits {@value #COALESCE_MILLIS} ms so redraws pile up in the pipe and the
 * next read takes many at once: a child that flushes every tqdm update would otherwise wake this thread once
 * per update. The shim enlarges the pipe to 1 MiB, which a child cannot fill in that time at the rates where
 * reads stay small, so the child is never held up.
 */
final class OutputPump {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int SMALL_READ_BYTES = 8 * 1024;
    private static final long COALESCE_MILLIS = 2;

    private OutputPump() {
    }

    /** Starts the reader; {@code lastOutput} gets the nano time of every read (the stall check reads it). */
    static Thread start(InputStream in, LogSink sink, LogWatcher watcher, int maxLineBytes, AtomicLong lastOutput) {
        LineSplitter splitter = new LineSplitter(maxLineBytes, watcher);
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[CHUNK_BYTES];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    lastOutput.set(System.nanoTime());
                    sink.write(chunk, 0, n);
                    watcher.counted(n);
                    splitter.feed(chunk, 0, n);
                    if (n < SMALL_READ_BYTES) {
                        Thread.sleep(COALESCE_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // The stream was closed under us after the child died; what was read is in the log.
            }
            splitter.finish();
        }, "aitk-child-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
