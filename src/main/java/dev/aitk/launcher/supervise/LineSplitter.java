package dev.aitk.launcher.supervise;

/**
 * Cuts a byte stream into lines at {@code \n} and at tqdm's {@code \r}, holding at most {@code maxLineBytes}
 * of any line: the rest of an over-long line is counted and dropped, so a 1 MB line without a newline costs
 * no more memory than a short one. Not thread-safe: one reader thread feeds it.
 */
public final class LineSplitter {
    /** Receives each line; {@code bytes} is reused after the call returns, so copy what you keep. */
    public interface LineSink {
        void line(byte[] bytes, int length, boolean truncated);

        /**
         * The unterminated rest after a chunk: tqdm's current bar has no {@code \r} after it until the next
         * redraw, and that may be minutes away on a slow step. The same bytes come again as a line later.
         */
        default void partial(byte[] bytes, int length) {
        }
    }

    private final byte[] line;
    private final LineSink sink;
    private int length;
    private boolean truncated;

    public LineSplitter(int maxLineBytes, LineSink sink) {
        this.line = new byte[maxLineBytes];
        this.sink = sink;
    }

    public void feed(byte[] chunk, int offset, int count) {
        int end = offset + count;
        int start = offset;
        for (int i = offset; i < end; i++) {
            byte b = chunk[i];
            if (b == '\n' || b == '\r') {
                append(chunk, start, i - start);
                emit();
                start = i + 1;
            }
        }
        append(chunk, start, end - start);
        if (length > 0) {
            sink.partial(line, length);
        }
    }

    /** Emits what is left after the stream ended without a final newline. */
    public void finish() {
        emit();
    }

    private void append(byte[] chunk, int from, int count) {
        int room = line.length - length;
        if (count > room) {
            truncated = true;
            count = room;
        }
        System.arraycopy(chunk, from, line, length, count);
        length += count;
    }

    private void emit() {
        if (length > 0 || truncated) {
            sink.line(line, length, truncated);
        }
        length = 0;
        truncated = false;
    }
}
