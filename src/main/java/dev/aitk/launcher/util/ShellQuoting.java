package dev.aitk.launcher.util;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quotes words for the shells users paste commands into and for the start scripts. POSIX: single quotes,
 * where nothing is special except the quote itself. cmd.exe: double quotes, which protect {@code & | < > ^ ( )}
 * but not {@code %} (doubled in a batch file) and cannot contain {@code "} at all.
 */
public final class ShellQuoting {
    private ShellQuoting() {
    }

    /** POSIX sh: {@code it's} becomes {@code 'it'\''s'}; words of only safe characters stay bare. */
    public static String posix(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String posixLine(List<String> words) {
        return words.stream().map(ShellQuoting::posix).collect(Collectors.joining(" "));
    }

    /**
     * A word for an interactive cmd.exe prompt or a batch file. {@code inBatchFile} doubles {@code %} (a batch
     * file expands {@code %NAME%} even inside quotes). Trailing backslashes are doubled because programs split
     * their command line with the Microsoft C rules, where {@code \"} would escape the closing quote.
     *
     * @throws IllegalArgumentException for {@code "}, which cmd cannot quote, and for line breaks
     */
    public static String cmd(String word, boolean inBatchFile) {
        if (cmdBare(word)) {
            return word;
        }
        String body = cmdQuotedBody(word);
        return "\"" + (inBatchFile ? body.replace("%", "%%") : body) + "\"";
    }

    /** Whether cmd.exe reads {@code word} as it is, without quotes (plain ASCII only). */
    public static boolean cmdBare(String word) {
        return !word.isEmpty() && word.matches("[A-Za-z0-9_@+:./\\\\-]+") && !word.endsWith("\\");
    }

    /**
     * What goes between cmd's double quotes for {@code word}: the word with its trailing backslashes doubled.
     *
     * @throws IllegalArgumentException for {@code "}, which cmd cannot quote, and for line breaks
     */
    public static String cmdQuotedBody(String word) {
        if (word.indexOf('"') >= 0) {
            throw new IllegalArgumentException("cmd.exe cannot quote a value containing a double quote (\")");
        }
        if (word.indexOf('\n') >= 0 || word.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a batch file cannot carry a line break inside a value");
        }
        int trailing = 0;
        while (trailing < word.length() && word.charAt(word.length() - 1 - trailing) == '\\') {
            trailing++;
        }
        return word + "\\".repeat(trailing);
    }
}
