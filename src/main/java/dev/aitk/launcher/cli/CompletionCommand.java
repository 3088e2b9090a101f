package dev.aitk.launcher.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** Prints the shell completion script (bash, and zsh through bashcompinit). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {
            "Print a completion script for bash and zsh.",
            "Use:  source <(aitk-launcher completion)   (zsh: autoload -U +X bashcompinit && bashcompinit first)"
        })
public final class CompletionCommand extends BaseCommand {
    @Override
    protected int execute() {
        String script = AutoComplete.bash("aitk-launcher", spec.root().commandLine());
        services().out().print(script);
        services().out().flush();
        return 0;
    }
}
