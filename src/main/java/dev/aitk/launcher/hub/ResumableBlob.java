package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Where a download is resumed: the {@code blobs/<etag>.<owner>.aitk.incomplete} data file, written at offsets, and
 * the {@link ResumeJournal} beside it that lists the chunks holding all their bytes. The names are this process's
 * own ({@link PartialOwner}); opening adopts what an earlier run (crashed, killed or stopped with Ctrl+C) left, and a
 * data file of the wrong size starts over.
 */
final class ResumableBlob implements AutoCloseable {
    private final Path data;
    private final Path journalPath;
    private final long sizeBytes;
    private final long chunkBytes;
    private final FileChannel channel;
    private final ResumeJournal journal;

    private ResumableBlob(Path data, Path journalPath, long sizeBytes, long chunkBytes, FileChannel channel,
                          ResumeJournal journal) {
        this.data = data;
        this.journalPath = journalPath;
        this.sizeBytes = sizeBytes;
        this.chunkBytes = chunkBytes;
        this.channel = channel;
        this.journal = journal;
    }

    /** Resumes the partial download of {@code blob} an earlier run left, or starts one under {@code owner}'s names. */
    static ResumableBlob open(Path blob, long sizeBytes, long chunkBytes, PartialOwner owner) throws IOException {
        owner.adoptLeftover(blob);
        Path data = owner.dataPath(blob);
        Path journalPath = owner.journalPath(blob);
        if (!Files.isRegularFile(data) || Files.size(data) != sizeBytes) {
            // A journal only describes the data file it was written with: a missing or resized one starts over.
            Files.deleteIfExists(journalPath);
            Files.deleteIfExists(data);
        }
        try (RandomAccessFile raf = new RandomAccessFile(data.toFile(), "rw")) {
            if (raf.length() != sizeBytes) {
                raf.setLength(sizeBytes);
            }
        }
        FileChannel channel = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ResumeJournal journal = ResumeJournal.open(journalPath, data, sizeBytes, chunkBytes);
        return new ResumableBlob(data, journalPath, sizeBytes, chunkBytes, channel, journal);
    }

    /** Bytes an earlier run already completed for {@code blob} (the partial a new run would adopt), read only. */
    static long resumableBytes(Path blob, long sizeBytes, long chunkBytes) {
        long best = 0;
        for (PartialOwner.Leftover l : PartialOwner.abandoned(blob)) {
            best = Math.max(best, ResumeJournal.completedBytes(l.journal(), sizeBytes, chunkBytes));
        }
        return best;
    }

    /** Removes what earlier runs left, once the blob itself is complete (a live launcher's partial is its own). */
    static void discard(Path blob) throws IOException {
        for (PartialOwner.Leftover l : PartialOwner.abandoned(blob)) {
            Files.deleteIfExists(l.data());
            Files.deleteIfExists(l.journal());
        }
    }

    long sizeBytes() {
        return sizeBytes;
    }

    int chunkCount() {
        return journal.chunkCount();
    }

    long chunkStart(int i) {
        return i * chunkBytes;
    }

    long chunkEnd(int i) {
        return Math.min(sizeBytes, (i + 1) * chunkBytes) - 1;
    }

    /** The chunk holding byte {@code position}. */
    int chunkOf(long position) {
        return (int) (position / chunkBytes);
    }

    boolean isDone(int i) {
        return journal.isDone(i);
    }

    boolean allDone() {
        return journal.doneCount() == journal.chunkCount();
    }

    void markDone(int i) throws IOException {
        journal.markDone(i);
    }

    /** Bytes of the chunks already complete. */
    long bytesDone() {
        long sum = 0;
        for (int i = 0; i < chunkCount(); i++) {
            if (isDone(i)) {
                sum += chunkEnd(i) - chunkStart(i) + 1;
            }
        }
        return sum;
    }

    /** Writes {@code n} bytes at {@code position}; a full disk becomes the sentence that says what to do. */
    void write(byte[] buffer, int n, long position, Path cacheRoot, String displayPath) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
        long pos = position;
        try {
            while (bb.hasRemaining()) {
                pos += channel.write(bb, pos);
            }
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("disk full") || m.contains("not enough space")) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the disk holding the cache " + cacheRoot
                        + " is full while writing " + displayPath + "; free space or move the cache (HF_HOME or --cache-dir), then run again to resume", e);
            }
            throw e;
        }
    }

    /** Feeds bytes [from, toExclusive), already written, to {@code digest} through {@code reader}. */
    void digest(java.security.MessageDigest digest, RangeDigest reader, long from, long toExclusive) throws IOException {
        reader.update(digest, channel, from, toExclusive);
    }

    long currentSize() throws IOException {
        return channel.size();
    }

    void force() throws IOException {
        channel.force(true);
    }

    /** Forgets every chunk: the next fetch writes the whole file again (after a failed verification). */
    void restart() throws IOException {
        journal.reset(sizeBytes, chunkBytes);
    }

    /** Gives the verified bytes their final name and drops the journal. */
    void completeAs(Path blob) throws IOException {
        close();
        HubCache.moveAtomically(data, blob);
        Files.deleteIfExists(journalPath);
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            journal.close();
        }
    }
}
