package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Turn an inpainting dataset (targets, masked images, masks) into the layout ai-toolkit reads. */
@Command(name = "migrate-data", mixinStandardHelpOptions = true, description = "Turn an inpainting dataset (targets, masked images, masks) into the layout ai-toolkit reads.")
public final class MigrateDataCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'migrate-data' is not in this build yet");
    }
}
