package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Plan the fastest training settings that fit the GPUs, with the predicted memory and the reason for each choice. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Plan the fastest training settings that fit the GPUs, with the predicted memory and the reason for each choice.")
public final class PlanCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'plan' is not in this build yet");
    }
}
