package dev.aitk.launcher.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A config's text before and after run.py's {@code ${VAR}} substitution, with the map between them so a
 * position the YAML parser reports in the substituted text points at the same place in the user's file.
 */
public final class SourceText {
    private final String original;
    private final String substituted;
    // Parallel arrays: segment i starts at substStart[i] in the substituted text and origStart[i] in the
    // original; a segment whose two lengths differ is a replacement and maps wholly to its start.
    private final int[] substStart;
    private final int[] origStart;
    private final boolean[] replaced;
    private final int[] originalLineStarts;
    private final int[] substitutedLineStarts;
    private final List<Placeholder> unset;

    /** One {@code ${NAME}} whose variable is not set, at its 1-based place in the original file. */
    public record Placeholder(String name, int offset, int line, int column) {
    }

    private SourceText(String original, String substituted, int[] substStart, int[] origStart, boolean[] replaced,
                       List<Placeholder> unset) {
        this.original = original;
        this.substituted = substituted;
        this.substStart = substStart;
        this.origStart = origStart;
        this.replaced = replaced;
        this.originalLineStarts = lineStarts(original);
        this.substitutedLineStarts = lineStarts(substituted);
        List<Placeholder> located = new ArrayList<>();
        for (Placeholder p : unset) {
            int[] lc = lineColumn(originalLineStarts, original, p.offset());
            located.add(new Placeholder(p.name(), p.offset(), lc[0], lc[1]));
        }
        this.unset = List.copyOf(located);
    }

    /**
     * Replaces every {@code ${NAME}} with the variable's value, as run.py's replace_env_vars_in_string does
     * (toolkit/config.py): NAME is one or more characters up to the next '}', looked up in the environment;
     * an empty value counts as set. Unset placeholders stay as written and are listed in {@link #unset()}.
     * A leading byte-order mark is dropped, as the YAML and JSON readers do.
     */
    public static SourceText substitute(String original, Map<String, String> variables, boolean caseInsensitiveNames) {
        return substitute(original, variables, caseInsensitiveNames, true);
    }

    /** The text as written, placeholders kept and not listed: for a config that is edited and written back. */
    public static SourceText verbatim(String original) {
        return substitute(original, Map.of(), false, false);
    }

    private static SourceText substitute(String original, Map<String, String> variables, boolean caseInsensitiveNames,
                                         boolean replace) {
        StringBuilder out = new StringBuilder(original.length());
        List<int[]> segments = new ArrayList<>();
        List<Placeholder> unset = new ArrayList<>();
        int i = 0;
        int copiedFrom = 0;
        if (original.startsWith("\uFEFF")) {
            segments.add(new int[] {0, 0, 1});
            i = 1;
            copiedFrom = 1;
        }
        int n = original.length();
        while (i < n - 1) {
            if (replace && original.charAt(i) == '$' && original.charAt(i + 1) == '{') {
                int close = original.indexOf('}', i + 2);
                if (close > i + 2) {
                    String name = original.substring(i + 2, close);
                    String value = lookup(variables, name, caseInsensitiveNames);
                    if (value == null) {
                        unset.add(new Placeholder(name, i, 0, 0));
                    } else {
                        if (i > copiedFrom) {
                            segments.add(new int[] {out.length(), copiedFrom, 0});
                            out.append(original, copiedFrom, i);
                        }
                        segments.add(new int[] {out.length(), i, 1});
                        out.append(value);
                        copiedFrom = close + 1;
                    }
                    i = close + 1;
                    continue;
                }
            }
            i++;
        }
        if (copiedFrom < n || segments.isEmpty()) {
            segments.add(new int[] {out.length(), copiedFrom, 0});
            out.append(original, copiedFrom, n);
        }
        int[] ss = new int[segments.size()];
        int[] os = new int[segments.size()];
        boolean[] rep = new boolean[segments.size()];
        for (int k = 0; k < segments.size(); k++) {
            ss[k] = segments.get(k)[0];
            os[k] = segments.get(k)[1];
            rep[k] = segments.get(k)[2] == 1;
        }
        return new SourceText(original, out.toString(), ss, os, rep, unset);
    }

    private static String lookup(Map<String, String> variables, String name, boolean caseInsensitive) {
        String value = variables.get(name);
        if (value == null && caseInsensitive) {
            for (Map.Entry<String, String> e : variables.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
        }
        return value;
    }

    /**
     * JSON allows tabs between tokens, YAML does not; a tab outside a string becomes a space (same length, so
     * every position stays where it was). Tabs inside strings are invalid JSON and are left for the parser.
     */
    public SourceText withJsonTabsAsSpaces() {
        if (substituted.indexOf('\t') < 0) {
            return this;
        }
        StringBuilder sb = new StringBuilder(substituted);
        boolean inString = false;
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '\t') {
                sb.setCharAt(i, ' ');
            }
        }
        return new SourceText(original, sb.toString(), substStart, origStart, replaced, unset);
    }

    public String original() {
        return original;
    }

    public String substituted() {
        return substituted;
    }

    public List<Placeholder> unset() {
        return unset;
    }

    /**
     * Maps a 0-based line/column (in code points, as SnakeYAML's marks count) of the substituted text to a
     * 1-based {line, column} in the original file.
     */
    public int[] toOriginal(int line, int column) {
        int offset = offsetOf(substitutedLineStarts, substituted, line, column);
        int k = Arrays.binarySearch(substStart, offset);
        if (k < 0) {
            k = -k - 2;
        }
        // Several segments can start at the same offset (an empty value); the last one holds the text.
        while (k + 1 < substStart.length && substStart[k + 1] == offset) {
            k++;
        }
        k = Math.max(k, 0);
        int originalOffset = replaced[k] ? origStart[k] : origStart[k] + (offset - substStart[k]);
        return lineColumn(originalLineStarts, original, Math.min(originalOffset, original.length()));
    }

    private static int offsetOf(int[] lineStarts, String text, int line, int column) {
        if (line >= lineStarts.length) {
            return text.length();
        }
        int offset = lineStarts[Math.max(line, 0)];
        for (int c = 0; c < column && offset < text.length(); c++) {
            offset += Character.charCount(text.codePointAt(offset));
        }
        return offset;
    }

    private static int[] lineColumn(int[] lineStarts, String text, int offset) {
        int k = Arrays.binarySearch(lineStarts, offset);
        int line = k >= 0 ? k : -k - 2;
        int column = text.codePointCount(lineStarts[line], Math.min(offset, text.length()));
        return new int[] {line + 1, column + 1};
    }

    // Line breaks as SnakeYAML counts them: \n, \r\n (one break), a lone \r, NEL, LS and PS.
    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                starts.add(i + 1);
            } else if (c == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n')) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
