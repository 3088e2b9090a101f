package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.List;

/** Slurm job ids as users type them: 42, or 41_3 for one array task. */
final class JobIds {
    private JobIds() {
    }

    static void check(List<String> ids) {
        for (String id : ids) {
            if (!id.matches("\\d+(_\\d+)?")) {
                throw new LauncherException(ExitCode.USAGE, "'" + id + "' is not a Slurm job id; use 42, or 41_3 for one array task");
            }
        }
    }
}
