package dev.aitk.launcher.scripts;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.FileReplacement;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ShellQuoting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates start_training.sh and start_training.bat: each runs the launcher with the arguments init chose
 * (the rendered config and the machine profile) plus whatever the user adds, e.g. {@code --dry-run}.
 * Secrets are never written: both scripts say to set HF_TOKEN in the environment. Every word is quoted for
 * its shell; a value no shell can carry (a line break; {@code "} for cmd) is refused with the reason.
 */
public final class StartScripts {
    public static final String SH = "start_training.sh";
    public static final String BAT = "start_training.bat";
    /** The scripts run launch --config, which refuses the flags that render or plan a config. */
    private static final String PLAN_FLAGS_REFUSED =
            "Flags that plan or render a config (--steps, --batch-size, --dataset, ...) are refused: edit the config.";

    /**
     * What to start.
     *
     * @param posixLauncher   the launcher command the .sh runs (an absolute path, or a name on PATH)
     * @param windowsLauncher the launcher command the .bat runs
     * @param arguments       the launcher's arguments, e.g. launch --config FILE --gpu-memory 24GB --gpus 1
     * @param description     one line for the scripts' header comment (plain ASCII, no paths)
     */
    public record Request(String posixLauncher, String windowsLauncher, List<String> arguments, String description) {
        public Request {
            arguments = List.copyOf(arguments);
        }
    }

    /** The scripts' text; {@code batch} is null with {@code batchSkipped} saying why when cmd cannot carry a value. */
    public record Scripts(String shell, String batch, String batchSkipped) {
    }

    public static Scripts render(Request request) {
        List<String> words = new ArrayList<>();
        words.add(request.posixLauncher());
        words.addAll(request.arguments());
        for (String w : words) {
            if (w.indexOf('\n') >= 0 || w.indexOf('\r') >= 0 || w.indexOf('\0') >= 0) {
                throw new LauncherException(ExitCode.USAGE, "'" + w.replace("\n", "\\n").replace("\r", "\\r")
                        + "' contains a line break, which a start script cannot carry safely; rename the folder or file");
            }
        }
        String shell = "#!/bin/sh\n"
                + "# shellcheck disable=SC2016 # $ and backticks inside the single-quoted paths are literal on purpose\n"
                + "# " + request.description() + "\n"
                + "# Written by aitk-launcher init. Secrets are read from the environment only:\n"
                + "#   export HF_TOKEN=...   (needed for gated models; never stored in this file)\n"
                + "# Extra arguments are passed on to the launcher, e.g.: ./" + SH + " --dry-run\n"
                + "# " + PLAN_FLAGS_REFUSED + "\n"
                + "set -eu\n"
                + "exec " + ShellQuoting.posixLine(words) + " \"$@\"\n";
        List<String> batchWords = new ArrayList<>();
        batchWords.add(request.windowsLauncher());
        batchWords.addAll(request.arguments());
        String batch = null;
        String skipped = null;
        try {
            batch = BatchScript.render(batchWords, List.of(
                    request.description(),
                    "Written by aitk-launcher init. Secrets are read from the environment only:",
                    "  set HF_TOKEN=...   (needed for gated models; never stored in this file)",
                    "Extra arguments are passed on to the launcher, e.g.: " + BAT + " --dry-run",
                    PLAN_FLAGS_REFUSED));
        } catch (IllegalArgumentException e) {
            skipped = BAT + " was not written: " + e.getMessage() + "; use " + SH + " or rename the folder";
        }
        return new Scripts(shell, batch, skipped);
    }

    /** The scripts as files to write into {@code dir} (the .sh executable); see {@link FileReplacement}. */
    public static List<FileReplacement.Planned> files(Path dir, Scripts scripts) {
        List<FileReplacement.Planned> files = new ArrayList<>();
        files.add(new FileReplacement.Planned(dir.resolve(SH), scripts.shell(), true));
        if (scripts.batch() != null) {
            files.add(new FileReplacement.Planned(dir.resolve(BAT), scripts.batch()));
        }
        return files;
    }
}
