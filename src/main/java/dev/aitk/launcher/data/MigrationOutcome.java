package dev.aitk.launcher.data;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.Optional;

/**
 * A migrate-data run as --json prints it: the migration's report and, when {@code --config} was given and the
 * dataset was written, what was set in the config (else null).
 */
public record MigrationOutcome(MigrationReport report, ConfigUpdater.Result config) {

    /** Why the run ends with exit 3 although the report is complete, as one sentence; empty when it succeeded. */
    public Optional<LauncherException> failure(boolean strict) {
        String why = switch (report.status()) {
            // Headers were fine, but some files failed to decode while writing: strict still means exit 3.
            case MIGRATED -> strict && !report.leftOut().isEmpty()
                    ? "--strict: " + report.leftOutFiles() + " files could not be decoded and were left out (listed above)" : null;
            case STRICT_LEFT_OUT -> "--strict: " + report.leftOutFiles() + " files would be left out (listed above); nothing was written";
            case NOTHING_TO_MIGRATE -> "no target image has all its partners, so there is nothing to migrate; check the folder flags and file names";
        };
        return Optional.ofNullable(why).map(w -> new LauncherException(ExitCode.INPUT_INVALID, w));
    }
}
