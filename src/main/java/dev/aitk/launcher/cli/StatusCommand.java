package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Show submitted scheduler jobs and the launcher's run records. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show submitted scheduler jobs and the launcher's run records.")
public final class StatusCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'status' is not in this build yet");
    }
}
