package dev.aitk.launcher.cli;

import dev.aitk.launcher.submit.JobState;
import dev.aitk.launcher.submit.RunSummary;
import dev.aitk.launcher.submit.SlurmClient;
import dev.aitk.launcher.submit.StatusReader;
import dev.aitk.launcher.submit.StatusReport;
import dev.aitk.launcher.submit.SubmissionStore;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Show submitted scheduler jobs and the launcher's run records. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Show submitted jobs: the scheduler's state of each prefetch job and array task (squeue; for "
                    + "finished ones scontrol, sacct or the completion log) and each run's own record "
                    + "(run.json: state, steps, final checkpoint) from the output folder.",
            "",
            "Examples:",
            "  aitk-launcher status --output /shared/loras   (every submission there)",
            "  aitk-launcher status 4211 4212_0 --json",
            "  aitk-launcher status --output /shared/loras --wait   (exit 0 when all succeeded, else 6)",
            "",
        })
public final class StatusCommand extends BaseCommand {
    @Option(names = "--output", paramLabel = "DIR", description = "The --output folder given to submit.")
    Path outputFolder;

    @Option(names = "--wait", description = "Poll every 10 s until no job is pending or running; then exit 0 if every "
            + "job completed, 6 if any failed, was cancelled or timed out.")
    boolean waitForAll;

    @Parameters(paramLabel = "JOBID", arity = "0..*", description = "Slurm job ids (42, or 41_3 for one array task).")
    List<String> jobIds = new ArrayList<>();

    @Override
    protected int execute() throws InterruptedException {
        Services services = services();
        StatusReader reader = new StatusReader(new SlurmClient(services.processRunner(), services.env()));
        if (jobIds.isEmpty() && outputFolder == null) {
            throw new LauncherException(ExitCode.USAGE, "say which jobs: --output DIR (the folder given to submit) or job ids");
        }
        JobIds.check(jobIds);
        PrintWriter out = services.out();
        StatusReport report = read(reader);
        String lastSummary = "";
        while (waitForAll && !report.allFinished()) {
            String summary = summary(report);
            if (!output.json() && !summary.equals(lastSummary)) {
                out.println(summary);
                out.flush();
                lastSummary = summary;
            }
            Thread.sleep(POLL.toMillis());
            report = read(reader);
        }
        int code = waitForAll && !allSucceeded(report) ? ExitCode.TRAINING_FAILED.code() : ExitCode.OK.code();
        if (output.json()) {
            out.println(Json.write(report));
            return code;
        }
        for (StatusReport.SubmissionStatus s : report.submissions()) {
            out.println("Submission " + s.id() + (s.dryRun() ? " (dry run, not submitted)" : "") + "  " + s.directory());
            for (int i = 0; i < s.prefetchJobs().size(); i++) {
                JobState p = s.prefetchJobs().get(i);
                out.println("  prefetch " + p.jobId() + "  " + describe(p));
                if (p.finished() && !p.succeeded()) {
                    out.println("      log: " + s.prefetchLogs().get(i));
                }
            }
            for (StatusReport.TaskStatus t : s.tasks()) {
                out.println("  task " + t.index() + "  " + t.name()
                        + (t.jobId() == null ? "" : "  " + t.jobId() + "  " + describe(t.scheduler()))
                        + "  run: " + describe(t.run()));
                if (t.scheduler() != null && t.scheduler().finished() && !t.scheduler().succeeded()) {
                    out.println("      log: " + t.log());
                }
            }
        }
        for (JobState j : report.otherJobs()) {
            out.println("job " + j.jobId() + "  " + describe(j));
        }
        out.println(allJobs(report).isEmpty() ? "No job submitted (dry runs only): run their submit.sh, or submit again."
                : report.allFinished() ? "All finished." : "Still pending or running.");
        return code;
    }

    private static final java.time.Duration POLL = java.time.Duration.ofSeconds(10);

    private StatusReport read(StatusReader reader) {
        return jobIds.isEmpty() ? reader.submissions(SubmissionStore.readAll(services().env().resolve(outputFolder)))
                : reader.jobs(jobIds);
    }

    private static List<JobState> allJobs(StatusReport report) {
        List<JobState> all = new ArrayList<>(report.otherJobs());
        for (StatusReport.SubmissionStatus s : report.submissions()) {
            all.addAll(s.prefetchJobs());
            s.tasks().stream().filter(t -> t.scheduler() != null).forEach(t -> all.add(t.scheduler()));
        }
        return all;
    }

    private static boolean allSucceeded(StatusReport report) {
        return allJobs(report).stream().allMatch(JobState::succeeded);
    }

    /** "3 jobs: 1 RUNNING, 2 PENDING" while waiting. */
    private static String summary(StatusReport report) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        List<JobState> all = allJobs(report);
        all.forEach(j -> counts.merge(j.state(), 1L, Long::sum));
        StringBuilder b = new StringBuilder(all.size() + " job" + (all.size() == 1 ? "" : "s") + ":");
        counts.forEach((state, n) -> b.append(' ').append(n).append(' ').append(state).append(','));
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static String describe(JobState s) {
        StringBuilder b = new StringBuilder(s.state());
        if (s.exitCode() != null && !s.exitCode().equals("0:0")) {
            b.append(" exit ").append(s.exitCode());
        }
        if (s.reason() != null && !s.reason().equals("None") && !s.reason().isEmpty()) {
            b.append(" (").append(s.reason()).append(')');
        }
        return b.append(" [").append(s.source()).append(']').toString();
    }

    private static String describe(RunSummary r) {
        if (!r.found()) {
            return "no run.json yet";
        }
        if (r.error() != null) {
            return "run.json " + r.error();
        }
        StringBuilder b = new StringBuilder(r.state() == null ? "recorded" : r.state());
        if (r.stepsDone() != null) {
            b.append(", step ").append(r.stepsDone());
            if (r.totalSteps() != null) {
                b.append('/').append(r.totalSteps());
            }
        }
        if (r.attempts() != null && r.attempts() > 1) {
            b.append(", ").append(r.attempts()).append(" attempts");
        }
        if (r.finalCheckpoint() != null) {
            b.append(", ").append(r.finalCheckpoint());
        } else if (r.message() != null) {
            b.append(": ").append(r.message());
        }
        return b.toString();
    }
}
