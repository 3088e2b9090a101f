package dev.aitk.launcher.toolkit;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where ai-toolkit is and which interpreter runs it, as far as {@link ToolkitLocator} could tell: the one
 * answer a dry run shows (with {@code problems} as notes) and a real run starts (refusing, exit 7, on the
 * first problem). {@code root} is null when no folder was named; the dry run then shows {@link #PLACEHOLDER}.
 * {@code python} is the interpreter as it will be started (an absolute path once found).
 */
public record ToolkitLocation(Path root, String rootSource, String python, String pythonSource, List<String> problems,
                              List<String> notes) {
    public static final String PLACEHOLDER = "<AITK_HOME>";

    public ToolkitLocation {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** The toolkit folder as shown: its path, or the placeholder when none was named. */
    public String directory() {
        return root == null ? PLACEHOLDER : root.toString();
    }

    /** What a real run starts; the first problem, if any, as one sentence and exit 7. */
    public ToolkitInstall require() {
        if (!problems.isEmpty()) {
            throw new LauncherException(ExitCode.ENVIRONMENT, problems.get(0));
        }
        return new ToolkitInstall(root, root.resolve("run.py"), Path.of(python), rootSource, pythonSource);
    }
}
