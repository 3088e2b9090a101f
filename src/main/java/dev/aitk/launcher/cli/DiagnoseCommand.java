package dev.aitk.launcher.cli;

import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.diagnose.Diagnoser;
import dev.aitk.launcher.diagnose.Diagnosis;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Explain an ai-toolkit log or run record: what happened, at which step, and the fix. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Explain an ai-toolkit log or a run record: how the run ended, what failed, at which step, and the fix.",
            "Uses the same classifier as 'launch' (docs/troubleshooting.md lists every failure it knows).",
            "",
            "Examples:",
            "  aitk-launcher diagnose output/my_lora/log.txt",
            "  aitk-launcher diagnose output/my_lora/run.json --json",
            "  aitk-launcher diagnose ~/ai-toolkit/output/my_lora/log.1.txt"
        },
        footer = {"", "Exit codes: 0 explained (whatever the run's outcome), 3 the file is missing or unreadable."})
public final class DiagnoseCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "LOGFILE|run.json",
            description = "An ai-toolkit log (any size; read as a stream) or a run.json written by 'launch'.")
    Path file;

    @Override
    protected int execute() {
        Diagnosis d = new Diagnoser(services().env(), new Planner(MemoryModel.standard()))
                .diagnose(services().env().resolve(file));
        PrintWriter out = services().out();
        if (output.json()) {
            out.println(Json.write(d));
            return ExitCode.OK.code();
        }
        out.println(d.file() + " (" + d.source() + ")");
        out.println("  outcome:  " + (d.stoppedByUser() ? "stopped by the user (Ctrl+C or SIGTERM), not a failure"
                : d.outcome() + (d.title() == null ? "" : ": " + d.title())));
        if (d.evidence() != null) {
            String e = d.evidence();
            out.println("  evidence: " + (e.length() > 240 && !output.verbose() ? e.substring(0, 240) + " ..." : e));
        }
        if (d.step() != null) {
            out.println("  step:     " + d.step() + (d.totalSteps() == null ? "" : " of " + d.totalSteps()));
        }
        if (d.model() != null) {
            out.println("  model:    " + d.model());
        }
        for (String detail : d.details()) {
            out.println("  - " + detail);
        }
        if (d.whatTheLauncherDoes() != null) {
            out.println("  launch:   " + d.whatTheLauncherDoes());
        }
        if (d.fix() != null) {
            out.println((d.stoppedByUser() ? "  next:     " : "  fix:      ") + d.fix());
        }
        if (d.outcome().equals("unfinished")) {
            out.println("  the log just stops: the run is still going, or was killed without a word "
                    + "(check 'dmesg' for the kernel's out-of-memory killer)");
        }
        if (!d.traceback().isEmpty() && (output.verbose() || (d.failure() != null && !d.stoppedByUser()))) {
            int from = output.verbose() ? 0 : Math.max(0, d.traceback().size() - 8);
            out.println("  last traceback" + (from > 0 ? " (end; --verbose shows it whole)" : "") + ":");
            for (String line : d.traceback().subList(from, d.traceback().size())) {
                out.println("    " + line);
            }
        }
        return ExitCode.OK.code();
    }
}
