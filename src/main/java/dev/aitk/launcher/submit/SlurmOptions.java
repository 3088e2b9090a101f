package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the scheduler is asked for: partition, time limit, GPUs per job, and extra sbatch arguments the user
 * passes through (account, QoS, constraint). Values that land on {@code #SBATCH} lines are checked against
 * Slurm's own forms; pass-through arguments only ever travel as separate argv words or quoted shell words.
 */
public record SlurmOptions(String partition, String timeLimit, int gpusPerJob, Integer maxRunning,
                           List<String> extraSbatchArgs) {
    private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9_.\\-]+(,[A-Za-z0-9_.\\-]+)*");
    /** Slurm's time forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
    private static final Pattern TIME = Pattern.compile("\\d+(:\\d{1,2}){0,2}|\\d+-\\d{1,2}(:\\d{1,2}){0,2}");

    public SlurmOptions {
        extraSbatchArgs = List.copyOf(extraSbatchArgs);
        if (partition != null && !PARTITION.matcher(partition).matches()) {
            throw new LauncherException(ExitCode.USAGE, "--partition '" + partition
                    + "' is not a Slurm partition name; use letters, digits, '_', '-', '.' (several: gpu,gpu-long)");
        }
        if (timeLimit != null && !TIME.matcher(timeLimit).matches()) {
            throw new LauncherException(ExitCode.USAGE, "--time '" + timeLimit
                    + "' is not a Slurm time limit; use HH:MM:SS (e.g. 12:00:00), D-HH:MM:SS (e.g. 2-00:00:00) or minutes");
        }
        if (gpusPerJob < 1 || gpusPerJob > 64) {
            throw new LauncherException(ExitCode.USAGE, "--gpus-per-job " + gpusPerJob + " is out of range; use 1 to 64");
        }
        if (maxRunning != null && maxRunning < 1) {
            throw new LauncherException(ExitCode.USAGE, "--max-running " + maxRunning + " must be 1 or more");
        }
        for (String arg : extraSbatchArgs) {
            ShellQuote.requireSingleLine("the sbatch argument", arg);
            if (!arg.startsWith("-")) {
                throw new LauncherException(ExitCode.USAGE, "--sbatch-arg '" + arg
                        + "' is not an sbatch option; pass options in one word, e.g. --sbatch-arg=--account=lab");
            }
        }
    }

    public static SlurmOptions defaults() {
        return new SlurmOptions(null, null, 1, null, List.of());
    }
}
