package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Explain an ai-toolkit log or run record: what happened, at which step, and the fix. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Explain an ai-toolkit log or run record: what happened, at which step, and the fix.")
public final class DiagnoseCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'diagnose' is not in this build yet");
    }
}
