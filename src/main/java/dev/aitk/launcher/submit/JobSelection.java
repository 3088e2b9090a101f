package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which submitted jobs {@code status} and {@code cancel} are about: Slurm job ids as users type them (42, or 41_3
 * for one array task), or the submissions recorded in an --output folder. Exactly one of the two: with both,
 * one would be ignored.
 */
public record JobSelection(List<String> jobIds, Path outputFolder) {
    public JobSelection {
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
        if (jobIds.isEmpty() && outputFolder == null) {
            throw new LauncherException(ExitCode.USAGE, "say which jobs: --output DIR (the folder given to submit) or job ids");
        }
        if (!jobIds.isEmpty() && outputFolder != null) {
            throw new LauncherException(ExitCode.USAGE, "job ids and --output cannot be combined (the ids alone would "
                    + "decide); give the job ids, or --output DIR for the submissions recorded there");
        }
        for (String id : jobIds) {
            if (!id.matches("\\d+(_\\d+)?")) {
                throw new LauncherException(ExitCode.USAGE, "'" + id + "' is not a Slurm job id; use 42, or 41_3 for one array task");
            }
        }
    }

    public boolean byIds() {
        return !jobIds.isEmpty();
    }

    /** The submissions recorded in the --output folder, oldest first. */
    List<Submission> submissions() {
        return SubmissionStore.readAll(outputFolder);
    }
}
