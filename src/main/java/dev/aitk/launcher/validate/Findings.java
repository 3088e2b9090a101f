package dev.aitk.launcher.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects findings while the checks run. Dataset problems that repeat per file (10,000 images without a
 * caption) are grouped: one finding with the count and the first few names.
 */
final class Findings {
    static final int NAMES_SHOWN = 5;

    private final String configFile;
    private final List<Finding> list = new ArrayList<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();

    Findings(String configFile) {
        this.configFile = configFile;
    }

    void error(ConfigNode at, String message, String fix) {
        add(Severity.ERROR, at, message, fix);
    }

    void warning(ConfigNode at, String message, String fix) {
        add(Severity.WARNING, at, message, fix);
    }

    void add(Severity severity, ConfigNode at, String message, String fix) {
        list.add(new Finding(severity, at.path(), at.line(), at.column(), message, fix, configFile));
    }

    /** A finding about a key that is absent: it points at the mapping that should hold it. */
    void missing(Severity severity, ConfigNode parent, String key, String message, String fix) {
        String path = parent.path().isEmpty() ? key : parent.path() + "." + key;
        list.add(new Finding(severity, path, parent.line(), parent.column(), message, fix, configFile));
    }

    void add(Finding f) {
        list.add(f);
    }

    /**
     * Counts one occurrence of a per-file problem. All occurrences with the same {@code key} become one
     * finding whose message is {@code what} with the count and the first names.
     */
    void perFile(String key, Severity severity, ConfigNode at, String what, String fix, String fileName) {
        Group g = groups.computeIfAbsent(key, k -> new Group(severity, at, what, fix));
        g.count++;
        if (g.names.size() < NAMES_SHOWN) {
            g.names.add(fileName);
        }
    }

    boolean hasErrors() {
        return list.stream().anyMatch(Finding::isError) || groups.values().stream().anyMatch(g -> g.severity == Severity.ERROR);
    }

    /** Errors first, then warnings; each in the order of the file (line, column). */
    List<Finding> result() {
        List<Finding> all = new ArrayList<>(list);
        for (Group g : groups.values()) {
            String names = String.join(", ", g.names) + (g.count > g.names.size() ? ", ... and " + String.format(java.util.Locale.ROOT, "%,d", g.count - g.names.size()) + " more" : "");
            String message = (g.count == 1 ? g.what.replace("{n}", "1") : g.what.replace("{n}", String.format(java.util.Locale.ROOT, "%,d", g.count)))
                    + ": " + names;
            all.add(new Finding(g.severity, g.at.path(), g.at.line(), g.at.column(), message, g.fix, configFile));
        }
        all.sort(Comparator.comparing((Finding f) -> f.severity().ordinal())
                .thenComparing(f -> f.line() == null ? 0 : f.line())
                .thenComparing(f -> f.column() == null ? 0 : f.column()));
        return all;
    }

    private static final class Group {
        final Severity severity;
        final ConfigNode at;
        final String what;
        final String fix;
        int count;
        final List<String> names = new ArrayList<>();

        Group(Severity severity, ConfigNode at, String what, String fix) {
            this.severity = severity;
            this.at = at;
            this.what = what;
            this.fix = fix;
        }
    }
}
