package dev.aitk.launcher.submit;

import java.util.List;

/**
 * What {@code status} shows: per submission, its jobs as the scheduler sees them and each task's own run
 * record. {@code allFinished} is true when no job of the report is pending or running.
 */
public record StatusReport(List<SubmissionStatus> submissions, List<JobState> otherJobs, boolean allFinished) {
    public StatusReport {
        submissions = List.copyOf(submissions);
        otherJobs = List.copyOf(otherJobs);
    }

    /** {@code prefetchLogs} lines up with {@code prefetchJobs}: Slurm's output file of each. */
    public record SubmissionStatus(String id, String directory, boolean dryRun, List<JobState> prefetchJobs,
                                   List<String> prefetchLogs, List<TaskStatus> tasks) {
        public SubmissionStatus {
            prefetchJobs = List.copyOf(prefetchJobs);
            prefetchLogs = List.copyOf(prefetchLogs);
            tasks = List.copyOf(tasks);
        }
    }

    /**
     * One array task: the scheduler's state ({@code UNKNOWN} when no source remembers it), the run record,
     * and Slurm's output file of the task (the launcher's own output, where a failure is explained).
     */
    public record TaskStatus(int index, String name, String jobId, JobState scheduler, RunSummary run, String log) {
    }
}
