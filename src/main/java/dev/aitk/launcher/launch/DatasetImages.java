package dev.aitk.launcher.launch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Counts a dataset's training images (one folder, the extensions ai-toolkit loads) so the plan can cap the batch. */
public final class DatasetImages {
    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "avif", "bmp");

    private DatasetImages() {
    }

    /** The number of images directly in {@code folder}, or null when it is missing, unreadable or has none. */
    public static Integer count(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return null;
        }
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT)) && Files.isRegularFile(p)) {
                    n++;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
        return n == 0 ? null : n;
    }
}
