package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The core of {@code cancel}: scancel the submissions' jobs that are still pending or running. The array is
 * cancelled before its prefetch jobs, so no task starts in between on a cancelled dependency.
 */
public final class Canceller {
    private final SlurmClient slurm;

    public Canceller(SlurmClient slurm) {
        this.slurm = slurm;
    }

    /** The ids handed to scancel, in order, and the ones left alone because they had already finished. */
    public record CancelResult(List<String> cancelled, List<String> alreadyFinished) {
        public CancelResult {
            cancelled = List.copyOf(cancelled);
            alreadyFinished = List.copyOf(alreadyFinished);
        }
    }

    /**
     * Cancels the selected jobs; for an --output folder its latest submission, or every one with {@code all}.
     */
    public CancelResult cancel(JobSelection selection, boolean all) {
        if (selection.byIds()) {
            if (all) {
                throw new LauncherException(ExitCode.USAGE, "--all picks every submission in --output DIR and does not "
                        + "apply to job ids; leave it out, or give --output DIR instead of the ids");
            }
            return cancelJobs(selection.jobIds());
        }
        List<Submission> submissions = selection.submissions();
        if (submissions.isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, "no submissions recorded in " + selection.outputFolder()
                    + "; nothing to cancel");
        }
        return cancelSubmissions(all ? submissions : List.of(submissions.get(submissions.size() - 1)));
    }

    private CancelResult cancelSubmissions(List<Submission> submissions) {
        List<String> ids = new ArrayList<>();
        for (Submission s : submissions) {
            if (s.arrayJobId() != null) {
                ids.add(s.arrayJobId());
            }
            s.prefetchJobs().forEach(p -> {
                if (p.jobId() != null) {
                    ids.add(p.jobId());
                }
            });
        }
        return cancelJobs(ids);
    }

    private CancelResult cancelJobs(List<String> jobIds) {
        List<String> plain = jobIds.stream().map(id -> id.split("_", 2)[0]).distinct().toList();
        Map<String, JobState> states = slurm.query(plain);
        List<String> active = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (String id : jobIds) {
            boolean running = states.values().stream()
                    .filter(s -> s.jobId().equals(id) || (!id.contains("_") && s.arrayJobId().equals(id)))
                    .anyMatch(s -> !s.finished());
            (running ? active : done).add(id);
        }
        slurm.cancel(active);
        return new CancelResult(active, done);
    }
}
