package dev.aitk.launcher.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that nothing half-written ever sits under its final name: a hidden temp file beside the
 * target, then a rename. Configs, start scripts, batch scripts, records and migrated datasets all go through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Fills a temp file that will get the target's name once it is complete. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path temp) throws IOException;
    }

    /**
     * The hidden temp name beside {@code target} ({@code .<name>.<pid>-<nanos>.tmp}): ai-toolkit ignores it (hidden,
     * no image extension), and it is named by pid and clock rather than Files.createTempFile, whose SecureRandom
     * costs a cold start ~20 ms.
     */
    public static Path tempFor(Path target) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + "-" + System.nanoTime() + ".tmp");
    }

    /**
     * Lets {@code filler} write a temp file beside {@code target}, then gives it the target's name in one step; the
     * temp file is removed when anything fails. The folder must exist.
     */
    public static void replace(Path target, Filler filler) throws IOException {
        Path temp = tempFor(target);
        try {
            filler.fill(temp);
            rename(temp, target);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is hidden and named after the target; the first failure is the one to report
            }
        }
    }

    /** Removes the temp files a killed earlier run left in {@code dir}; returns how many. */
    public static int removeStaleTemps(Path dir) throws IOException {
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

    public static void write(Path target, String text) {
        write(target, text, false);
    }

    /** Writes {@code text} as UTF-8; {@code executable} makes it runnable (rwxr-xr-x) before it gets its name. */
    public static void write(Path target, String text, boolean executable) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            replace(target, temp -> {
                Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                if (executable) {
                    try {
                        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } catch (UnsupportedOperationException notPosix) {
                        temp.toFile().setExecutable(true);
                    }
                }
            });
        } catch (IOException e) {
            fileInTheWay(target, target.toAbsolutePath().getParent(), e);
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot write " + target + " (" + e.getMessage()
                    + "); check that the folder is writable and the disk has space", e);
        }
    }

    /** Gives a finished temp file its final name, replacing what was there, in one step. */
    public static void rename(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same directory, so a plain rename is still a single step on every file system we know.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            fileInTheWay(dir, dir, e);
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot create the folder " + dir + " (" + e.getMessage()
                    + "); check the path and its permissions", e);
        }
    }

    /**
     * A folder path that runs into a file (an --output naming a file) fails with an error that says nothing
     * useful; name the file instead of blaming permissions or disk space.
     */
    private static void fileInTheWay(Path target, Path dir, IOException e) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new LauncherException(ExitCode.USAGE, "cannot write " + target + ": " + p
                        + " is a file, not a folder; give a folder path (e.g. for --output), or move the file", e);
            }
        }
    }
}
