package dev.aitk.launcher.data;

import java.nio.file.Path;
import java.util.Optional;

/** One training example found in the source folders: the files that share a base name. */
public record Triple(String name, Path target, Optional<Path> masked, Optional<Path> mask, Optional<Path> caption) {
}
