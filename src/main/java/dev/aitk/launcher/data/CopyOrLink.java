package dev.aitk.launcher.data;

import dev.aitk.launcher.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * Brings one output file of a migrated dataset up to date with its source: a copy or a hard link, made under a temp
 * name and renamed into place ({@link AtomicFiles}), and skipped when an earlier run's file is still current. A
 * killed run leaves at most hidden temp files, never a truncated image under a name ai-toolkit would train on.
 */
final class CopyOrLink {

    /** What happened to one output file. */
    enum Outcome {
        WRITTEN,
        UNCHANGED,
        /** --link asked for a hard link, but the file systems differ (or do not support links): copied instead. */
        COPIED_INSTEAD_OF_LINK
    }

    private CopyOrLink() {
    }

    static long millis(Path p) throws IOException {
        return Files.getLastModifiedTime(p).to(TimeUnit.MILLISECONDS);
    }

    /** A link to the source, or a file of the same size and modification time (to the millisecond). */
    static boolean isUpToDate(Path source, Path dest, TransferMode mode) throws IOException {
        if (!Files.isRegularFile(dest)) {
            return false;
        }
        if (mode == TransferMode.LINK && Files.isSameFile(source, dest)) {
            return true;
        }
        return Files.size(source) == Files.size(dest) && millis(source) == millis(dest);
    }

    /** Copies or hard-links {@code source} to {@code dest} unless an earlier run already did. */
    static Outcome transfer(Path source, Path dest, TransferMode mode) throws IOException {
        if (isUpToDate(source, dest, mode)) {
            return Outcome.UNCHANGED;
        }
        Outcome[] outcome = {Outcome.WRITTEN};
        AtomicFiles.replace(dest, temp -> {
            if (mode == TransferMode.LINK) {
                try {
                    Files.createLink(temp, source);
                    return;
                } catch (FileSystemException | UnsupportedOperationException e) {
                    // EXDEV across file systems, or FAT/exFAT and some network shares: a copy still gives a working dataset.
                    outcome[0] = Outcome.COPIED_INSTEAD_OF_LINK;
                    Files.deleteIfExists(temp);
                }
            }
            Files.copy(source, temp, StandardCopyOption.COPY_ATTRIBUTES);
        });
        return outcome[0];
    }

    /** Stamps a converted file with its inputs' newest modification time, which is how a re-run knows it is current. */
    static void stamp(Path temp, long sourceMillis) throws IOException {
        Files.setLastModifiedTime(temp, FileTime.fromMillis(sourceMillis));
    }
}
