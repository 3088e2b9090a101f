package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Check an ai-toolkit config and its datasets before a run: every problem with its path, line and fix. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check an ai-toolkit config and its datasets before a run: every problem with its path, line and fix.")
public final class ValidateCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'validate' is not in this build yet");
    }
}
