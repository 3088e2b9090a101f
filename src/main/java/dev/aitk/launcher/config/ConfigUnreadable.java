package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.List;

/**
 * An ai-toolkit config that cannot be used as run.py would read it. The parts stay apart so validate can report
 * them as a finding and a stage can frame them; the message is the one sentence every other stage prints
 * ({@code file:line:column: problem; fix}).
 */
public final class ConfigUnreadable extends LauncherException {
    /** Why the config cannot be used, as data. */
    public enum Kind {
        /** The file cannot be read as text: missing, a folder, no permission, huge, binary, not UTF-8. */
        FILE,
        /** The text is not a YAML/JSON document the loader accepts: syntax, non-standard tags, alias bombs, empty. */
        SYNTAX,
        /** A {@code ${NAME}} whose variable is not set. */
        UNSET_VARIABLE
    }

    private final Kind kind;
    private final String problem;
    private final Integer line;
    private final Integer column;
    private final String fix;
    private final List<SourceText.Placeholder> unset;

    /**
     * @param line   1-based line in the user's file, or null when the problem has no place
     * @param column 1-based column there, or null
     */
    public ConfigUnreadable(Kind kind, String label, String problem, Integer line, Integer column, String fix) {
        this(kind, label, problem, line, column, fix, List.of());
    }

    private ConfigUnreadable(Kind kind, String label, String problem, Integer line, Integer column, String fix,
                             List<SourceText.Placeholder> unset) {
        super(ExitCode.INPUT_INVALID, sentence(label, problem, line, column, fix));
        this.kind = kind;
        this.problem = problem;
        this.line = line;
        this.column = column;
        this.fix = fix;
        this.unset = List.copyOf(unset);
    }

    /** A {@code ${NAME}} whose variable is not set: run.py stops there before it reads the config. */
    public static ConfigUnreadable unsetVariable(String label, SourceText.Placeholder p) {
        return new ConfigUnreadable(Kind.UNSET_VARIABLE, label, "the environment variable " + p.name()
                + " is not set, and run.py replaces ${" + p.name() + "} before reading the config (\"Environment variable "
                + p.name() + " not set\")", p.line(), p.column(), "export " + p.name() + "=... before running, or write the value into the config");
    }

    /** The same problem, with the unset placeholders found before the text failed to parse. */
    ConfigUnreadable withUnset(String label, List<SourceText.Placeholder> placeholders) {
        return new ConfigUnreadable(kind, label, problem, line, column, fix, placeholders);
    }

    // The file is named once: up front with its line when there is one, else only if the problem does not say it.
    private static String sentence(String label, String problem, Integer line, Integer column, String fix) {
        String where = line == null ? (problem.contains(label) ? "" : label + ": ")
                : label + ":" + line + (column == null ? "" : ":" + column) + ": ";
        return where + problem + "; " + fix;
    }

    public Kind kind() {
        return kind;
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
