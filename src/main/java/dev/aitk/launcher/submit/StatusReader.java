package dev.aitk.launcher.submit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The core of {@code status}: the scheduler's view of submitted jobs joined with the runs' own records. */
public final class StatusReader {
    private final SlurmClient slurm;

    public StatusReader(SlurmClient slurm) {
        this.slurm = slurm;
    }

    /** The status of the selected jobs, read once. */
    public StatusReport read(JobSelection selection) {
        return selection.byIds() ? jobs(selection.jobIds()) : submissions(selection.submissions());
    }

    /**
     * Reads every {@code poll} until no selected job is pending or running, handing each unfinished report to
     * {@code whileWaiting}; returns the final one.
     */
    public StatusReport waitUntilFinished(JobSelection selection, Duration poll, Consumer<StatusReport> whileWaiting)
            throws InterruptedException {
        StatusReport report = read(selection);
        while (!report.allFinished()) {
            whileWaiting.accept(report);
            Thread.sleep(poll.toMillis());
            report = read(selection);
        }
        return report;
    }

    /** Status of the given submissions (their prefetch jobs, array tasks and run records). */
    StatusReport submissions(List<Submission> submissions) {
        List<String> ids = new ArrayList<>();
        submissions.forEach(s -> ids.addAll(s.jobIds()));
        Map<String, JobState> states = slurm.query(ids);
        List<StatusReport.SubmissionStatus> out = new ArrayList<>();
        boolean allFinished = true;
        for (Submission s : submissions) {
            List<JobState> prefetch = new ArrayList<>();
            List<String> prefetchLogs = new ArrayList<>();
            Path logs = Path.of(s.directory()).resolve("logs");
            String jobName = BatchScripts.jobName(s.name());
            for (Submission.PrefetchJob p : s.prefetchJobs()) {
                if (p.jobId() != null) {
                    JobState state = states.getOrDefault(p.jobId(), unknown(p.jobId(), null));
                    prefetch.add(state);
                    prefetchLogs.add(logs.resolve(jobName + "-prefetch-" + p.jobId() + ".out").toString());
                    allFinished &= state.finished();
                }
            }
            List<StatusReport.TaskStatus> tasks = new ArrayList<>();
            for (Submission.Task t : s.tasks()) {
                JobState state = null;
                String jobId = null;
                if (s.arrayJobId() != null) {
                    jobId = JobState.key(s.arrayJobId(), t.index());
                    state = states.getOrDefault(jobId, unknown(s.arrayJobId(), t.index()));
                    allFinished &= state.finished();
                }
                String log = jobId == null ? null : logs.resolve(jobName + "-" + jobId + ".out").toString();
                tasks.add(new StatusReport.TaskStatus(t.index(), t.name(), jobId, state, RunSummary.read(Path.of(t.runDir())),
                        log));
            }
            out.add(new StatusReport.SubmissionStatus(s.id(), s.directory(), s.dryRun(), prefetch, prefetchLogs, tasks));
        }
        return new StatusReport(out, List.of(), allFinished);
    }

    /** Status of jobs named by id alone (no submission record at hand). */
    StatusReport jobs(List<String> jobIds) {
        List<String> plain = jobIds.stream().map(id -> id.split("_", 2)[0]).distinct().toList();
        Map<String, JobState> states = slurm.query(plain);
        List<JobState> shown = new ArrayList<>();
        boolean allFinished = true;
        for (String id : jobIds) {
            List<JobState> matching = states.values().stream()
                    .filter(s -> s.jobId().equals(id) || (!id.contains("_") && s.arrayJobId().equals(id))).toList();
            if (matching.isEmpty()) {
                matching = List.of(unknown(id, null));
            }
            for (JobState s : matching) {
                shown.add(s);
                allFinished &= s.finished();
            }
        }
        return new StatusReport(List.of(), shown, allFinished);
    }

    private static JobState unknown(String arrayJobId, Integer task) {
        String key = JobState.key(arrayJobId, task);
        return new JobState(key, arrayJobId, task, "UNKNOWN", null,
                "no scheduler source remembers this job (finished longer ago than MinJobAge, no accounting)", "none");
    }
}
