package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.List;

/**
 * An ai-toolkit config that cannot be used as run.py would read it: missing, binary, not UTF-8, not YAML,
 * hostile, or with an unset {@code ${VAR}}. The parts stay apart so validate can report them as a finding;
 * the message is the one sentence every other stage prints ({@code file:line:column: problem; fix}).
 *
 * @param line   1-based line in the user's file, or null when the problem has no place
 * @param column 1-based column there, or null
 */
public final class ConfigUnreadable extends LauncherException {
    private final String problem;
    private final Integer line;
    private final Integer column;
    private final String fix;
    private final List<SourceText.Placeholder> unset;

    public ConfigUnreadable(String label, String problem, Integer line, Integer column, String fix) {
        this(label, problem, line, column, fix, List.of());
    }

    private ConfigUnreadable(String label, String problem, Integer line, Integer column, String fix,
                             List<SourceText.Placeholder> unset) {
        super(ExitCode.INPUT_INVALID, sentence(label, problem, line, column, fix));
        this.problem = problem;
        this.line = line;
        this.column = column;
        this.fix = fix;
        this.unset = List.copyOf(unset);
    }

    /** A {@code ${NAME}} whose variable is not set: run.py stops there before it reads the config. */
    public static ConfigUnreadable unsetVariable(String label, SourceText.Placeholder p) {
        return new ConfigUnreadable(label, "the environment variable " + p.name() + " is not set, and run.py replaces ${"
                + p.name() + "} before reading the config (\"Environment variable " + p.name() + " not set\")",
                p.line(), p.column(), "export " + p.name() + "=... before running, or write the value into the config");
    }

    /** The same problem, with the unset placeholders found before the text failed to parse. */
    ConfigUnreadable withUnset(String label, List<SourceText.Placeholder> placeholders) {
        return new ConfigUnreadable(label, problem, line, column, fix, placeholders);
    }

    // The file is named once: up front with its line when there is one, else only if the problem does not say it.
    private static String sentence(String label, String problem, Integer line, Integer column, String fix) {
        String where = line == null ? (problem.contains(label) ? "" : label + ": ")
                : label + ":" + line + (column == null ? "" : ":" + column) + ": ";
        return where + problem + "; " + fix;
    }

    /** What is wrong, without the file name (validate shows the file once per report). */
    public String problem() {
        return problem;
    }

    public Integer line() {
        return line;
    }

    public Integer column() {
        return column;
    }

    public String fix() {
        return fix;
    }

    /** Placeholders whose variable is not set, when the text was read but did not parse (validate lists them too). */
    public List<SourceText.Placeholder> unset() {
        return unset;
    }
}
