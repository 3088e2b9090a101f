package dev.aitk.launcher.util;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the process was started with: environment variables, OS, home and working directory. Core code
 * receives one of these instead of calling System.getenv, so tests describe a machine with a plain map.
 */
public record Environment(Map<String, String> variables, String osName, Path userHome, Path workingDirectory) {

    public Environment {
        variables = Map.copyOf(variables);
    }

    /** The real process environment; only the CLI entry point calls this. */
    public static Environment system() {
        return new Environment(System.getenv(), System.getProperty("os.name", ""),
                Path.of(System.getProperty("user.home", ".")), Path.of("").toAbsolutePath());
    }

    public static Environment of(Map<String, String> variables, Path userHome, Path workingDirectory) {
        return new Environment(variables, System.getProperty("os.name", ""), userHome, workingDirectory);
    }

    /** A variable's value; unset and empty both count as absent, as most of our tools treat them. */
    public Optional<String> get(String name) {
        String value = variables.get(name);
        if (value == null && isWindows()) {
            // Windows variable names are case-insensitive.
            for (Map.Entry<String, String> e : variables.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    value = e.getValue();
                    break;
                }
            }
        }
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public boolean isWindows() {
        return osName.toLowerCase(Locale.ROOT).startsWith("windows");
    }

    public Environment with(String name, String value) {
        Map<String, String> copy = new TreeMap<>(variables);
        copy.put(name, value);
        return new Environment(copy, osName, userHome, workingDirectory);
    }

    public Environment without(String name) {
        Map<String, String> copy = new TreeMap<>(variables);
        copy.remove(name);
        return new Environment(copy, osName, userHome, workingDirectory);
    }

    /** Resolves a user-given path against this environment's working directory. */
    public Path resolve(Path path) {
        return workingDirectory.resolve(path).normalize();
    }
}
