package dev.aitk.launcher.hub;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * Feeds a range of a file that is already written to a digest. Read-back is how the checksum of a blob fetched as
 * parallel ranges is taken (SHA-256 must see the bytes in order; the ranges land out of order), so its cost per byte
 * counts: a mapped range is hashed straight from the page cache, where a read first copies every byte through the
 * kernel into a buffer (that copy was about 9% of the benchmark's CPU samples, docs/benchmarks.md).
 * A mapping is released as soon as its range is hashed, not at some later garbage collection, because Windows refuses
 * to rename a file that is still mapped and the blob is renamed right after. Where the JVM offers no way to release
 * a mapping at once, plain reads are used.
 */
final class RangeDigest {
    /** Mapped at most this much at a time, so a large chunk does not take address space it does not need. */
    static final long DEFAULT_WINDOW_BYTES = 64L * 1024 * 1024;
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final Unmapper UNMAPPER = Unmapper.find();

    /**
     * Per hashing thread, not per blob: every blob's checksum exists from the start of a prefetch (a repo of a
     * thousand files would hold a thousand buffers), while only the download threads ever hash.
     */
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);
    private final long windowBytes;
    private final boolean mapped;

    RangeDigest() {
        this(DEFAULT_WINDOW_BYTES, UNMAPPER != null);
    }

    /** {@code mapped} false reads instead of mapping (what a JVM without a way to release mappings gets). */
    RangeDigest(long windowBytes, boolean mapped) {
        this.windowBytes = windowBytes;
        this.mapped = mapped && UNMAPPER != null;
    }

    /** Bytes [from, toExclusive) of {@code channel} into {@code digest}; fails if the file ends before. */
    void update(MessageDigest digest, FileChannel channel, long from, long toExclusive) throws IOException {
        if (channel.size() < toExclusive) {
            throw new IOException("the incomplete file is shorter than its journal says");
        }
        byte[] buffer = BUFFERS.get();
        for (long pos = from; pos < toExclusive; ) {
            long length = Math.min(windowBytes, toExclusive - pos);
            if (mapped) {
                MappedByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, pos, length);
                try {
                    while (window.hasRemaining()) {
                        int n = Math.min(buffer.length, window.remaining());
                        window.get(buffer, 0, n);
                        digest.update(buffer, 0, n);
                    }
                } finally {
                    UNMAPPER.unmap(window);
                }
            } else {
                readInto(digest, channel, pos, pos + length, buffer);
            }
            pos += length;
        }
    }

    private static void readInto(MessageDigest digest, FileChannel channel, long from, long toExclusive, byte[] buffer)
            throws IOException {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        for (long pos = from; pos < toExclusive; ) {
            wrapped.clear().limit((int) Math.min(buffer.length, toExclusive - pos));
            int n = channel.read(wrapped, pos);
            if (n < 0) {
                throw new IOException("the incomplete file is shorter than its journal says");
            }
            digest.update(buffer, 0, n);
            pos += n;
        }
    }

    /**
     * Releases a mapping now. Java 17 has no public call for it; {@code sun.misc.Unsafe.invokeCleaner} (module
     * jdk.unsupported, open to reflection without flags) is the one every JDK since 9 provides.
     */
    private record Unmapper(Object unsafe, Method invokeCleaner) {
        static Unmapper find() {
            try {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field field = type.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                return new Unmapper(field.get(null), type.getMethod("invokeCleaner", ByteBuffer.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        void unmap(MappedByteBuffer mapping) throws IOException {
            try {
                invokeCleaner.invoke(unsafe, mapping);
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot release a mapping of the incomplete file", e);
            }
        }
    }
}
