package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Plan, render, validate, prefetch and run ai-toolkit supervised, recovering from failures. */
@Command(name = "launch", mixinStandardHelpOptions = true, description = "Plan, render, validate, prefetch and run ai-toolkit supervised, recovering from failures.")
public final class LaunchCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'launch' is not in this build yet");
    }
}
