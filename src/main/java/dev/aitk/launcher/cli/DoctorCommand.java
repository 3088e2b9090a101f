package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Check that this machine is ready to train: driver, GPUs, interpreter, packages, disk, token. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check that this machine is ready to train: driver, GPUs, interpreter, packages, disk, token.")
public final class DoctorCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'doctor' is not in this build yet");
    }
}
