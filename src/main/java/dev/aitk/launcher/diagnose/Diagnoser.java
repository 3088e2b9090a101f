package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code diagnose}: the supervisor's own classifier, offline, over any ai-toolkit log (streamed in bounded
 * memory, whatever its size) or a run record (run.json).
 */
public final class Diagnoser {
    private final LogDiagnosis logs;
    private final RecordDiagnosis records;

    /** Without a planner: out-of-memory advice stays generic. */
    public Diagnoser(Environment env) {
        this(env, null);
    }

    /**
     * With the planner, an out-of-memory failure gets the settings the planner picks for the model that ran
     * on the card the message names. {@code env} resolves ${VAR} in the config.yaml ai-toolkit left beside
     * the log.
     */
    public Diagnoser(Environment env, Planner planner) {
        FixFinder fixes = new FixFinder(planner == null ? null : new MemoryAdvice(planner));
        this.logs = new LogDiagnosis(env, fixes);
        this.records = new RecordDiagnosis(env, fixes);
    }

    /** Explains {@code file}; one clear sentence and exit 3 when it is missing or neither a log nor a record. */
    public Diagnosis diagnose(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " does not exist or is not a file; pass an "
                    + "ai-toolkit log (e.g. output/NAME/log.txt) or a run record (output/NAME/run.json)");
        }
        try {
            return looksLikeJson(file) ? records.read(file) : logs.read(file);
        } catch (NoSuchFileException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " disappeared while reading it");
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    /** Explains what a log's worth of text says (the troubleshooting guide's examples are checked this way). */
    public Diagnosis fromText(String name, String text) {
        return logs.read(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean looksLikeJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int c;
            while ((c = in.read()) >= 0) {
                if (!Character.isWhitespace(c)) {
                    return c == '{';
                }
            }
        }
        return false;
    }
}
