package dev.aitk.launcher.supervise;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One attempt's log file: every byte the child prints, plus the launcher's own {@code [aitk-launcher]} lines,
 * each on a line of its own so {@code diagnose} finds them. Buffered (64 KiB) and flushed by the supervisor
 * a few times a second, so a child printing a tqdm redraw per write costs no system call per redraw here.
 */
final class LogSink implements AutoCloseable {
    private final OutputStream out;
    private boolean broken;

    LogSink(Path file) throws IOException {
        this.out = new java.io.BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 * 1024);
    }

    synchronized void write(byte[] bytes, int offset, int length) {
        if (broken) {
            return;
        }
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            // A full disk must not kill the run; the record says the log is incomplete.
            broken = true;
        }
    }

    synchronized void note(String text) {
        byte[] line = ("\n" + LogClassifier.LAUNCHER_PREFIX + text + "\n").getBytes(StandardCharsets.UTF_8);
        write(line, 0, line.length);
    }

    synchronized void flush() {
        if (broken) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            broken = true;
        }
    }

    synchronized boolean broken() {
        return broken;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
