package dev.aitk.launcher.submit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code status} shows: per submission, its jobs as the scheduler sees them and each task's own run
 * record. {@code allFinished} is true when no job of the report is pending or running.
 */
public record StatusReport(List<SubmissionStatus> submissions, List<JobState> otherJobs, boolean allFinished) {
    public StatusReport {
        submissions = List.copyOf(submissions);
        otherJobs = List.copyOf(otherJobs);
    }

    /** Every scheduler job in the report: other jobs, then each submission's prefetch jobs and array tasks. */
    public List<JobState> allJobs() {
        List<JobState> all = new ArrayList<>(otherJobs);
        for (SubmissionStatus s : submissions) {
            all.addAll(s.prefetchJobs());
            s.tasks().stream().filter(t -> t.scheduler() != null).forEach(t -> all.add(t.scheduler()));
        }
        return all;
    }

    /** True when every job completed (none failed, was cancelled or timed out). */
    public boolean allSucceeded() {
        return allJobs().stream().allMatch(JobState::succeeded);
    }

    /** How many jobs are in each scheduler state, states in alphabetical order. */
    public Map<String, Long> countsByState() {
        Map<String, Long> counts = new TreeMap<>();
        allJobs().forEach(j -> counts.merge(j.state(), 1L, Long::sum));
        return counts;
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
