package dev.aitk.launcher.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds this checkout's launchers/ folder from where the launcher's classes were loaded
 * (target/aitk-launcher.jar or target/classes), so generated start scripts can call it by absolute path.
 */
final class LauncherLocation {
    private LauncherLocation() {
    }

    static Optional<Path> launchersDirectory() {
        try {
            Path loadedFrom = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = loadedFrom.getParent();
            if (target == null || target.getParent() == null) {
                return Optional.empty();
            }
            Path launchers = target.getParent().resolve("launchers");
            return Files.isRegularFile(launchers.resolve("aitk-launcher")) ? Optional.of(launchers.toAbsolutePath()) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
