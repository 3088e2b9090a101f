package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting's name in an ai-toolkit config, in the syntax plan, config and validate share: a dotted path
 * relative to {@code config.process[0]} ({@code train.batch_size}, {@code datasets[*].resolution}), or from
 * the document root when it starts with {@code job}, {@code config} or {@code meta}.
 */
public record KeyPath(String text, List<Segment> segments) {

    /** One step: a mapping key, a sequence index, or {@code [*]} (every entry). */
    public record Segment(String key, Integer index, boolean everyEntry) {
        public boolean isKey() {
            return key != null;
        }

        @Override
        public String toString() {
            if (key != null) {
                return key;
            }
            return everyEntry ? "[*]" : "[" + index + "]";
        }
    }

    private static final Pattern PART = Pattern.compile("([A-Za-z0-9_\\-]+)((?:\\[(?:\\*|\\d+)\\])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\*|\\d+)\\]");
    private static final List<String> ROOT_KEYS = List.of("job", "config", "meta");

    public KeyPath {
        segments = List.copyOf(segments);
    }

    /** Parses a key path; a malformed one is a usage error (exit 2) that shows the accepted form. */
    public static KeyPath parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            throw malformed(text, "it is empty");
        }
        List<Segment> segments = new ArrayList<>();
        for (String part : trimmed.split("\\.", -1)) {
            Matcher m = PART.matcher(part);
            if (!m.matches()) {
                throw malformed(text, "'" + part + "' is not a key (letters, digits, _ or -) optionally followed by [N] or [*]");
            }
            segments.add(new Segment(m.group(1), null, false));
            Matcher idx = INDEX.matcher(m.group(2));
            while (idx.find()) {
                String i = idx.group(1);
                if (i.equals("*")) {
                    segments.add(new Segment(null, null, true));
                } else {
                    try {
                        segments.add(new Segment(null, Integer.parseInt(i), false));
                    } catch (NumberFormatException e) {
                        throw malformed(text, "index [" + i + "] is too large");
                    }
                }
            }
        }
        if (!ROOT_KEYS.contains(segments.get(0).key())) {
            List<Segment> absolute = new ArrayList<>();
            absolute.add(new Segment("config", null, false));
            absolute.add(new Segment("process", null, false));
            absolute.add(new Segment(null, 0, false));
            absolute.addAll(segments);
            segments = absolute;
        }
        return new KeyPath(trimmed, segments);
    }

    private static LauncherException malformed(String text, String why) {
        return new LauncherException(ExitCode.USAGE, "'" + text + "' is not a key path (" + why
                + "); write it like train.lr, datasets[*].resolution or config.name");
    }

    /** The absolute form findings print, e.g. {@code config.process[0].train.lr}. */
    public String absolute() {
        return render(segments.size());
    }

    /** The absolute form of the first {@code count} segments. */
    public String render(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Segment s = segments.get(i);
            if (s.isKey() && sb.length() > 0) {
                sb.append('.');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
