package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Submit the planned runs to a scheduler (Slurm) as batch jobs or a job array. */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit the planned runs to a scheduler (Slurm) as batch jobs or a job array.")
public final class SubmitCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'submit' is not in this build yet");
    }
}
