package dev.aitk.launcher.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * The record of which chunks of an {@code .incomplete} file hold all their bytes. A chunk's index is appended only
 * after its bytes were written, so after a crash, SIGKILL or Ctrl+C (the OS keeps what was written) every listed
 * chunk is on disk and only the chunks in flight are fetched again. Power loss could drop data the journal lists;
 * the checksum before the rename catches that and the file is fetched again. A torn last line is ignored.
 */
final class ResumeJournal implements AutoCloseable {
    private final FileChannel channel;
    private final BitSet done;
    private final int chunkCount;

    private ResumeJournal(FileChannel channel, BitSet done, int chunkCount) {
        this.channel = channel;
        this.done = done;
        this.chunkCount = chunkCount;
    }

    static String header(long sizeBytes, long chunkBytes) {
        return "aitk-chunks 1 size=" + sizeBytes + " chunk=" + chunkBytes + "\n";
    }

    /**
     * Opens the journal for a download of this size and chunking; a journal for another size or chunk size, or
     * one whose data file is gone, is started afresh.
     */
    static ResumeJournal open(Path journal, Path data, long sizeBytes, long chunkBytes) throws IOException {
        int count = chunkCount(sizeBytes, chunkBytes);
        String header = header(sizeBytes, chunkBytes);
        BitSet done = new BitSet(count);
        boolean reuse = false;
        if (Files.isRegularFile(journal) && Files.isRegularFile(data) && Files.size(data) == sizeBytes) {
            String text = Files.readString(journal, StandardCharsets.US_ASCII);
            if (text.startsWith(header)) {
                reuse = true;
                String[] lines = text.substring(header.length()).split("\n", -1);
                // The last element is either empty (clean end) or a torn write: only newline-terminated lines count.
                for (int i = 0; i < lines.length - 1; i++) {
                    try {
                        int index = Integer.parseInt(lines[i].strip());
                        if (index >= 0 && index < count) {
                            done.set(index);
                        }
                    } catch (NumberFormatException ignored) {
                        // A damaged line marks nothing; that chunk is simply fetched again.
                    }
                }
            }
        }
        FileChannel ch;
        if (reuse) {
            ch = FileChannel.open(journal, StandardOpenOption.WRITE);
            // Cut a torn last line off, so the next index starts on a line of its own.
            String text = Files.readString(journal, StandardCharsets.US_ASCII);
            ch.truncate(text.lastIndexOf('\n') + 1L);
            ch.position(ch.size());
        } else {
            ch = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            ch.write(ByteBuffer.wrap(header.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        return new ResumeJournal(ch, done, count);
    }

    /** Bytes an earlier run already completed for this download, read without changing anything (for the disk check). */
    static long completedBytes(Path journal, long sizeBytes, long chunkBytes) {
        try {
            String header = header(sizeBytes, chunkBytes);
            String text = Files.readString(journal, StandardCharsets.US_ASCII);
            if (!text.startsWith(header)) {
                return 0;
            }
            long lines = text.substring(header.length()).chars().filter(c -> c == '\n').count();
            return Math.min(sizeBytes, lines * chunkBytes);
        } catch (IOException e) {
            return 0;
        }
    }

    static int chunkCount(long sizeBytes, long chunkBytes) {
        return (int) Math.max(1, (sizeBytes + chunkBytes - 1) / chunkBytes);
    }

    int chunkCount() {
        return chunkCount;
    }

    synchronized boolean isDone(int index) {
        return done.get(index);
    }

    synchronized int doneCount() {
        return done.cardinality();
    }

    /** Records a chunk as complete; returns false when it already was (a stream and a chunk raced). */
    synchronized boolean markDone(int index) throws IOException {
        if (done.get(index)) {
            return false;
        }
        channel.write(ByteBuffer.wrap((index + "\n").getBytes(StandardCharsets.US_ASCII)));
        done.set(index);
        return true;
    }

    synchronized void reset(long sizeBytes, long chunkBytes) throws IOException {
        done.clear();
        channel.truncate(0);
        channel.position(0);
        channel.write(ByteBuffer.wrap(header(sizeBytes, chunkBytes).getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
