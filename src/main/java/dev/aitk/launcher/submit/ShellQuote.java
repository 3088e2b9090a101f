package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ShellQuoting;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;

/**
 * POSIX shell quoting for generated batch scripts, through {@link ShellQuoting#posix} (single quotes, where
 * the shell expands nothing). Newlines and NUL are refused rather than quoted, because Slurm's {@code #SBATCH} parser, log
 * file names and most users' tools break on them.
 */
public final class ShellQuote {
    private ShellQuote() {
    }

    /** The value as one shell word, e.g. {@code it's $HOME} becomes {@code 'it'\''s $HOME'}. */
    public static String quote(String value) {
        requireSingleLine("a value", value);
        return ShellQuoting.posix(value);
    }

    /**
     * Refuses values a generated script cannot carry safely. {@code what} names the value for the message,
     * e.g. "the output folder".
     */
    public static String requireSingleLine(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                String shown = value.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
                throw new LauncherException(ExitCode.INPUT_INVALID, what + " '" + shown + "' contains a "
                        + (c == '\0' ? "NUL character" : "line break")
                        + ", which a batch script cannot carry safely; rename it without line breaks");
            }
        }
        return value;
    }
}
