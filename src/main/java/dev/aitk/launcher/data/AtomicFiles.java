package dev.aitk.launcher.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * Every file reaches its final name by an atomic rename of a finished {@code .<name>.tmp} beside it, so a killed run
 * leaves at most temp files (ai-toolkit ignores them: hidden, and not an image extension) and never a truncated
 * image under a name ai-toolkit would train on.
 */
final class AtomicFiles {

    /** What happened to one output file. */
    enum Outcome {
        WRITTEN,
        UNCHANGED,
        /** --link asked for a hard link, but the file systems differ (or do not support links): copied instead. */
        COPIED_INSTEAD_OF_LINK
    }

    private AtomicFiles() {
    }

    static Path tempFor(Path dest) {
        return dest.resolveSibling("." + dest.getFileName() + ".tmp");
    }

    /** Removes temp files a killed earlier run left in {@code dir}; returns how many. */
    static int removeStaleTemps(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : entries) {
                if (Files.isRegularFile(p) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Same size and modification time (to the millisecond): the copy an earlier run made is still current. */
    static boolean sameSizeAndTime(Path source, Path dest) throws IOException {
        if (!Files.isRegularFile(dest)) {
            return false;
        }
        return Files.size(source) == Files.size(dest) && millis(source) == millis(dest);
    }

    static long millis(Path p) throws IOException {
        return Files.getLastModifiedTime(p).to(TimeUnit.MILLISECONDS);
    }

    static boolean isUpToDate(Path source, Path dest, TransferMode mode) throws IOException {
        if (!Files.exists(dest)) {
            return false;
        }
        if (mode == TransferMode.LINK && Files.isSameFile(source, dest)) {
            return true;
        }
        return sameSizeAndTime(source, dest);
    }

    /** Copies or hard-links {@code source} to {@code dest} unless an earlier run already did. */
    static Outcome transfer(Path source, Path dest, TransferMode mode) throws IOException {
        if (isUpToDate(source, dest, mode)) {
            return Outcome.UNCHANGED;
        }
        Path temp = tempFor(dest);
        Files.deleteIfExists(temp);
        Outcome outcome = Outcome.WRITTEN;
        if (mode == TransferMode.LINK) {
            try {
                Files.createLink(temp, source);
            } catch (FileSystemException | UnsupportedOperationException e) {
                // EXDEV across file systems, or FAT/exFAT and some network shares: a copy still gives a working dataset.
                outcome = Outcome.COPIED_INSTEAD_OF_LINK;
                Files.deleteIfExists(temp);
                Files.copy(source, temp, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } else {
            Files.copy(source, temp, StandardCopyOption.COPY_ATTRIBUTES);
        }
        commit(temp, dest);
        return outcome;
    }

    /** Stamps a converted file with its inputs' newest modification time, which is how a re-run knows it is current. */
    static void stamp(Path temp, long sourceMillis) throws IOException {
        Files.setLastModifiedTime(temp, FileTime.fromMillis(sourceMillis));
    }

    static void commit(Path temp, Path dest) throws IOException {
        dev.aitk.launcher.util.AtomicFiles.rename(temp, dest);
    }
}
