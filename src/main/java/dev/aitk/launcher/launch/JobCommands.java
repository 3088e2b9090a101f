package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.util.ShellQuoting;
import dev.aitk.launcher.toolkit.ChildEnvironment;
import dev.aitk.launcher.toolkit.ToolkitLocation;
import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Exactly what a job would run, as the dry run shows it: {@code <python> run.py <config>} in the toolkit folder
 * (quoted for cmd.exe on Windows, for a POSIX shell elsewhere) and the variables the launcher adds to the
 * environment, secrets hidden. The real run starts the same interpreter with the same arguments.
 */
final class JobCommands {
    private final Environment env;
    private final ToolkitLocation toolkit;

    JobCommands(Environment env, ToolkitLocation toolkit) {
        this.env = env;
        this.toolkit = toolkit;
    }

    PreparedJob job(String name, Path config, String trainingFolder, String template, List<Integer> gpus,
                    RenderedConfig rendered) {
        List<String> command = List.of(toolkit.python(), "run.py", config.toString());
        String line = env.isWindows()
                ? "cd /d " + display(toolkit.directory(), true) + " && " + displayLine(command, true)
                : "cd " + display(toolkit.directory(), false) + " && " + displayLine(command, false);
        ChildEnvironment childEnv = ChildEnvironment.build(env,
                new ChildEnvironment.Request(gpus, OptionalInt.empty(), false, true));
        return new PreparedJob(name, config.toString(), trainingFolder, template, gpus, rendered.applied(),
                rendered.notes(), List.of(), false, null, toolkit.directory(), command, line, childEnv.redacted(),
                childEnv.notes(), rendered.yaml(), null);
    }

    private static String display(String word, boolean windows) {
        if (!windows) {
            return ShellQuoting.posix(word);
        }
        try {
            return ShellQuoting.cmd(word, false);
        } catch (IllegalArgumentException e) {
            return "\"" + word + "\"";
        }
    }

    private static String displayLine(List<String> words, boolean windows) {
        List<String> quoted = new ArrayList<>();
        for (String w : words) {
            quoted.add(display(w, windows));
        }
        return String.join(" ", quoted);
    }
}
