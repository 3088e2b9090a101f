package dev.aitk.launcher.util;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds programs on the PATH of an {@link Environment} rather than the JVM's own, so a test can put a fake
 * nvidia-smi first on PATH and a child gets the program the user's PATH names.
 */
public final class Executables {
    private Executables() {
    }

    public static Optional<Path> find(String name, Environment env) {
        if (name.contains("/") || name.contains("\\")) {
            Path direct = env.resolve(Path.of(name));
            return Files.isRegularFile(direct) && Files.isExecutable(direct) ? Optional.of(direct) : Optional.empty();
        }
        String separator = env.isWindows() ? ";" : File.pathSeparator;
        List<String> suffixes = new ArrayList<>();
        suffixes.add("");
        if (env.isWindows()) {
            for (String ext : env.get("PATHEXT").orElse(".COM;.EXE;.BAT;.CMD").split(";")) {
                if (!ext.isBlank()) {
                    suffixes.add(ext.toLowerCase(Locale.ROOT));
                    suffixes.add(ext.toUpperCase(Locale.ROOT));
                }
            }
        }
        for (String dir : env.get("PATH").orElse("").split(separator)) {
            if (dir.isBlank()) {
                continue;
            }
            for (String suffix : suffixes) {
                Path candidate;
                try {
                    candidate = Path.of(dir, name + suffix);
                } catch (RuntimeException invalidPath) {
                    continue;
                }
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
