package dev.aitk.launcher.cli;

import dev.aitk.launcher.submit.JobState;
import dev.aitk.launcher.submit.RunRecord;
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
            "Show submitted jobs: the scheduler's state of each prefetch job and array task (squeue, then",
            "scontrol, sacct or the completion log for finished ones) and each run's own record (run.json:",
            "state, steps, final checkpoint) read from the output folder.",
            "",
            "Examples:",
            "  aitk-launcher status --output /shared/loras       every submission into that folder",
            "  aitk-launcher status 4211 4212_0 --json           jobs by id",
        })
public final class StatusCommand extends BaseCommand {
    @Option(names = "--output", paramLabel = "DIR", description = "The --output folder given to submit.")
    Path outputFolder;

    @Parameters(paramLabel = "JOBID", arity = "0..*", description = "Slurm job ids (42, or 41_3 for one array task).")
    List<String> jobIds = new ArrayList<>();

    @Override
    protected int execute() {
        Services services = services();
        StatusReader reader = new StatusReader(new SlurmClient(services.processRunner(), services.env()));
        StatusReport report;
        if (!jobIds.isEmpty()) {
            JobIds.check(jobIds);
            report = reader.jobs(jobIds);
        } else if (outputFolder != null) {
            report = reader.submissions(SubmissionStore.readAll(services.env().resolve(outputFolder)));
        } else {
            throw new LauncherException(ExitCode.USAGE, "say which jobs: --output DIR (the folder given to submit) or job ids");
        }
        PrintWriter out = services.out();
        if (output.json()) {
            out.println(Json.write(report));
            return ExitCode.OK.code();
        }
        for (StatusReport.SubmissionStatus s : report.submissions()) {
            out.println("Submission " + s.id() + (s.dryRun() ? " (dry run, not submitted)" : "") + "  " + s.directory());
            for (JobState p : s.prefetchJobs()) {
                out.println("  prefetch " + p.jobId() + "  " + describe(p));
            }
            for (StatusReport.TaskStatus t : s.tasks()) {
                out.println("  task " + t.index() + "  " + t.name()
                        + (t.jobId() == null ? "" : "  " + t.jobId() + "  " + describe(t.scheduler()))
                        + "  run: " + describe(t.run()));
            }
        }
        for (JobState j : report.otherJobs()) {
            out.println("job " + j.jobId() + "  " + describe(j));
        }
        out.println(report.allFinished() ? "All finished." : "Still pending or running.");
        return ExitCode.OK.code();
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

    private static String describe(RunRecord r) {
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
        if (r.finalCheckpoint() != null) {
            b.append(", ").append(r.finalCheckpoint());
        }
        return b.toString();
    }
}
