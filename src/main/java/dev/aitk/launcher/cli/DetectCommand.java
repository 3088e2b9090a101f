package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Detect the GPUs and host this run would use, and where each value came from. */
@Command(name = "detect", mixinStandardHelpOptions = true, description = "Detect the GPUs and host this run would use, and where each value came from.")
public final class DetectCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'detect' is not in this build yet");
    }
}
