package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Write a config plus start_training.sh and start_training.bat for a machine profile. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a config plus start_training.sh and start_training.bat for a machine profile.")
public final class InitCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'init' is not in this build yet");
    }
}
