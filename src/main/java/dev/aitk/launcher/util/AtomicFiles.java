package dev.aitk.launcher.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that nothing half-written ever sits under its final name: a hidden temp file beside the
 * target, then a rename. Configs, start scripts, batch scripts and records all go through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, String text) {
        write(target, text, false);
    }

    /** Writes {@code text} as UTF-8; {@code executable} makes it runnable (rwxr-xr-x) before it gets its name. */
    public static void write(Path target, String text, boolean executable) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            // Named by pid and clock rather than Files.createTempFile, whose SecureRandom costs a cold start ~20 ms.
            temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            if (executable) {
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
                } catch (UnsupportedOperationException notPosix) {
                    temp.toFile().setExecutable(true);
                }
            }
            rename(temp, target);
        } catch (IOException e) {
            fileInTheWay(target, dir, e);
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot write " + target + " (" + e.getMessage()
                    + "); check that the folder is writable and the disk has space", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temp file is hidden and named after the target; nothing else to do
                }
            }
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
