package dev.aitk.launcher.util;

/**
 * A failure the user can act on: one sentence saying what is wrong, where, and what to do,
 * plus the exit code it maps to. The CLI prints the message alone; the stack trace only with --verbose.
 */
public class LauncherException extends RuntimeException {
    private final ExitCode exitCode;

    public LauncherException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public LauncherException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
