package dev.aitk.launcher.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock two launchers take before fetching the same blob, in the cache's {@code .locks} folder under a name of
 * our own: Java's lock is an fcntl lock, which does not exclude huggingface_hub's flock, so the atomic renames
 * keep the two safe from each other and this lock only keeps launchers from fetching a blob twice.
 */
final class BlobLock implements AutoCloseable {
    private final FileChannel channel;
    private FileLock lock;

    private BlobLock(FileChannel channel) {
        this.channel = channel;
    }

    static BlobLock open(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        return new BlobLock(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /** Takes the lock if no other process holds it; true when this process now holds it. */
    synchronized boolean tryAcquire() throws IOException {
        if (lock != null) {
            return true;
        }
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Another transfer in this process holds it: the same as another process holding it.
            lock = null;
        }
        return lock != null;
    }

    @Override
    public synchronized void close() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // The OS drops the lock with the process anyway.
        }
    }
}
