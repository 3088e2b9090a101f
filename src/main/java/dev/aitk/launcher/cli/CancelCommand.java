package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Cancel submitted scheduler jobs. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel submitted scheduler jobs.")
public final class CancelCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'cancel' is not in this build yet");
    }
}
