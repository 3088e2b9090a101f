package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Flags that would change nothing in the company of others are refused in one sentence (exit 2) instead of
 * being ignored: a user who typed them expected an effect.
 */
final class FlagConflicts {
    private FlagConflicts() {
    }

    /** The long names among {@code candidates} that were given, in the order they were typed. */
    static List<String> given(ParseResult parsed, Collection<String> candidates) {
        List<String> given = new ArrayList<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            String name = option.longestName();
            if (candidates.contains(name) && !given.contains(name)) {
                given.add(name);
            }
        }
        return given;
    }

    /** Refuses any of {@code notApplying} given together with {@code flag}; {@code because} says why they do nothing. */
    static void refuseWith(ParseResult parsed, String flag, List<String> notApplying, String because) {
        List<String> given = parsed.hasMatchedOption(flag) ? given(parsed, notApplying) : List.of();
        if (!given.isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, names(given) + " with " + flag + " " + (given.size() == 1
                    ? "does" : "do") + " nothing (" + because + "); leave " + (given.size() == 1 ? "it" : "them")
                    + " out, or drop " + flag);
        }
    }

    /** Refuses any of {@code dependents} given without {@code needed}, which they only adjust. */
    static void refuseWithout(ParseResult parsed, String needed, List<String> dependents, String because) {
        List<String> given = parsed.hasMatchedOption(needed) ? List.of() : given(parsed, dependents);
        if (!given.isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, names(given) + " without " + needed + " " + (given.size() == 1
                    ? "does" : "do") + " nothing (" + because + "); add " + needed + " or leave "
                    + (given.size() == 1 ? "it" : "them") + " out");
        }
    }

    static String names(List<String> names) {
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
