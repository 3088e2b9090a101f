package dev.aitk.launcher.supervise;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Optional;

/**
 * run.py's own Hub downloads as the cache shows them. huggingface_hub 1.x draws no progress bar when its output is
 * not a terminal (under the launcher it is a pipe), so a download run.py makes says nothing: it shows only as a
 * {@code <repo>/blobs/<etag>.incomplete} file that grows. Partial files not written since the attempt began
 * (another run's, or the {@code .aitk.incomplete} files of an interrupted prefetch) are not this attempt's.
 */
final class PartialDownloads {
    private static final String PARTIAL = ".incomplete";
    private static final String PREFETCH_PARTIAL = ".aitk.incomplete";

    private final Path cache;
    private final long sinceMillis;

    /** {@code cache} is the hub cache run.py writes to (null: unknown, nothing is seen). */
    PartialDownloads(Path cache, long sinceMillis) {
        this.cache = cache;
        this.sinceMillis = sinceMillis;
    }

    /** The bytes in this attempt's partial downloads and the newest of them; empty when there are none. */
    Optional<State> look() {
        if (cache == null || !Files.isDirectory(cache)) {
            return Optional.empty();
        }
        long bytes = 0;
        long newestMillis = Long.MIN_VALUE;
        String newest = null;
        try (DirectoryStream<Path> repos = Files.newDirectoryStream(cache)) {
            for (Path repo : repos) {
                Path blobs = repo.resolve("blobs");
                if (!Files.isDirectory(blobs)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs, "*" + PARTIAL)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        long modified = a.lastModifiedTime().toMillis();
                        // A second of slack: file times on some filesystems are whole seconds.
                        if (name.endsWith(PREFETCH_PARTIAL) || modified < sinceMillis - 1000) {
                            continue;
                        }
                        bytes += a.size();
                        if (modified > newestMillis) {
                            newestMillis = modified;
                            newest = repoId(repo.getFileName().toString()) + " (" + megabytes(a.size()) + " so far)";
                        }
                    }
                }
            }
        } catch (IOException e) {
            // A repo or file vanished while listing (a download finished): the next look sees the new state.
        }
        return newest == null ? Optional.empty() : Optional.of(new State(bytes, newest));
    }

    /** {@code models--org--name} as {@code org/name}. */
    private static String repoId(String folder) {
        int dash = folder.indexOf("--");
        return dash < 0 ? folder : folder.substring(dash + 2).replace("--", "/");
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** {@code bytes} in all of this attempt's partial files; {@code newest} says which download was last written. */
    record State(long bytes, String newest) {
    }
}
