package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Which launch flags cannot apply together: --config launches a config as it is, so the flags that render
 * (--model, --template, --dataset, --output, --name, --set) and every plan pin (--steps, --batch-size, ...)
 * would change nothing. Refused rather than ignored, here for a launch typed by hand and for the arguments
 * start_training.sh or submit's nodes pass on.
 */
final class LaunchFlagRules {
    private static final List<String> RENDERING = List.of("--model", "--template", "--dataset", "--output", "--name", "--set");

    private LaunchFlagRules() {
    }

    /** @param pins the plan pins' own options (from {@link PlanPinOptions#options()}) */
    static void refuseWithConfig(ParseResult parsed, List<OptionSpec> pins) {
        if (!parsed.hasMatchedOption("--config")) {
            return;
        }
        List<String> candidates = new ArrayList<>(RENDERING);
        pins.forEach(p -> candidates.add(p.longestName()));
        List<String> given = FlagConflicts.given(parsed, candidates);
        if (!given.isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, "--config launches a config as it is, so "
                    + String.join(", ", given) + (given.size() == 1 ? " does" : " do") + " not apply; change the "
                    + "config itself, or leave out --config to render and plan a new one");
        }
    }
}
