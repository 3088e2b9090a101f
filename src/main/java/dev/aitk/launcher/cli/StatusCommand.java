package dev.aitk.launcher.cli;

import dev.aitk.launcher.submit.JobSelection;
import dev.aitk.launcher.submit.JobState;
import dev.aitk.launcher.submit.SlurmClient;
import dev.aitk.launcher.submit.StatusReader;
import dev.aitk.launcher.submit.StatusReport;
import dev.aitk.launcher.util.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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

    private static final Duration POLL = Duration.ofSeconds(10);

    @Override
    protected int execute() throws InterruptedException {
        Services services = services();
        JobSelection selection = new JobSelection(jobIds,
                outputFolder == null ? null : services.env().resolve(outputFolder));
        StatusReader reader = new StatusReader(new SlurmClient(services.processRunner(), services.env()));
        PrintWriter out = services.out();
        StatusReport report;
        if (waitForAll) {
            StatusPrinter.Progress progress = new StatusPrinter.Progress(output.json() ? null : out);
            report = reader.waitUntilFinished(selection, POLL, progress::show);
        } else {
            report = reader.read(selection);
        }
        return finishWithReport(report, text -> StatusPrinter.print(text, report),
                waitForAll && !report.allSucceeded() ? notAllSucceeded(report) : null);
    }

    private static Failure notAllSucceeded(StatusReport report) {
        List<String> failed = report.allJobs().stream().filter(j -> !j.succeeded())
                .map(j -> (j.taskId() == null ? j.jobId() : JobState.key(j.arrayJobId(), j.taskId())) + " " + j.state())
                .toList();
        return new Failure(ExitCode.TRAINING_FAILED, failed.size() + " job(s) did not succeed ("
                + String.join(", ", failed) + "); run 'aitk-launcher diagnose' on a task's run.json or log for "
                + "the cause and the fix");
    }
}
