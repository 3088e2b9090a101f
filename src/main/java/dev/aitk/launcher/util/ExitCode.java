package dev.aitk.launcher.util;

/** The one exit-code table every command uses (docs/architecture.md). */
public enum ExitCode {
    OK(0, "done"),
    INTERNAL(1, "internal error (a bug: report it)"),
    USAGE(2, "usage error (bad flag or value)"),
    INPUT_INVALID(3, "input invalid (config or dataset findings with severity error; unreadable or hostile input)"),
    DOES_NOT_FIT(4, "does not fit (no plan fits the GPUs)"),
    DOWNLOAD_FAILED(5, "download failed (after retries and fallback)"),
    TRAINING_FAILED(6, "training failed (after the recovery budget)"),
    ENVIRONMENT(7, "environment not usable (no ai-toolkit, no interpreter, no GPU and no flags)"),
    INTERRUPTED(130, "interrupted by the user (Ctrl+C / SIGTERM), children stopped");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
