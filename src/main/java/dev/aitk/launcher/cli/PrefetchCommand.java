package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import picocli.CommandLine.Command;

/** Download what a run needs into the Hugging Face cache, fast and resumable, so run.py loads offline. */
@Command(name = "prefetch", mixinStandardHelpOptions = true, description = "Download what a run needs into the Hugging Face cache, fast and resumable, so run.py loads offline.")
public final class PrefetchCommand extends BaseCommand {
    @Override
    protected int execute() {
        throw new LauncherException(ExitCode.INTERNAL, "'prefetch' is not in this build yet");
    }
}
