package dev.aitk.launcher.cli;

import dev.aitk.launcher.submit.Canceller;
import dev.aitk.launcher.submit.SlurmClient;
import dev.aitk.launcher.submit.JobSelection;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Cancel submitted scheduler jobs. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Cancel submitted jobs with scancel: the latest submission into --output (its array, then its "
                    + "prefetch jobs), every submission there with --all, or jobs by id. Jobs that already "
                    + "finished are left alone. Each launcher gets SIGTERM and stops its run.py cleanly.",
            "",
            "Examples:",
            "  aitk-launcher cancel --output /shared/loras",
            "  aitk-launcher cancel 4212 4213_2",
            "",
        })
public final class CancelCommand extends BaseCommand {
    @Option(names = "--output", paramLabel = "DIR", description = "The --output folder given to submit.")
    java.nio.file.Path outputFolder;

    @Option(names = "--all", description = "Cancel every submission in the --output folder, not only the latest.")
    boolean all;

    @Parameters(paramLabel = "JOBID", arity = "0..*", description = "Slurm job ids (42, or 41_3 for one array task).")
    List<String> jobIds = new ArrayList<>();

    @Override
    protected int execute() {
        Services services = services();
        Canceller canceller = new Canceller(new SlurmClient(services.processRunner(), services.env()));
        JobSelection selection = new JobSelection(jobIds,
                outputFolder == null ? null : services.env().resolve(outputFolder));
        Canceller.CancelResult result = canceller.cancel(selection, all);
        PrintWriter out = services.out();
        if (output.json()) {
            out.println(Json.write(result));
            return ExitCode.OK.code();
        }
        out.println(result.cancelled().isEmpty() ? "Nothing to cancel: no job was pending or running."
                : "Cancelled " + String.join(", ", result.cancelled()) + ".");
        if (!result.alreadyFinished().isEmpty()) {
            out.println("Already finished: " + String.join(", ", result.alreadyFinished()) + ".");
        }
        return ExitCode.OK.code();
    }
}
