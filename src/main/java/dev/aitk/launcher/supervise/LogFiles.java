package dev.aitk.launcher.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Per-attempt logs in one folder, as ai-toolkit's UI keeps them: the running attempt writes {@code log.txt};
 * before the next start it moves to {@code log.N.txt} with the smallest free N, so {@code log.1.txt} is the
 * oldest and names never change once given.
 */
final class LogFiles {
    static final String CURRENT = "log.txt";

    private LogFiles() {
    }

    /** Moves an existing log.txt aside; returns where it went, or null when there was none. */
    static Path rotate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path current = dir.resolve(CURRENT);
        if (!Files.exists(current)) {
            return null;
        }
        for (int n = 1; ; n++) {
            Path aside = dir.resolve("log." + n + ".txt");
            if (!Files.exists(aside)) {
                Files.move(current, aside, StandardCopyOption.ATOMIC_MOVE);
                return aside;
            }
        }
    }
}
