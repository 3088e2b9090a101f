package dev.aitk.launcher.cli;

import dev.aitk.launcher.toolkit.Doctor;
import dev.aitk.launcher.toolkit.DoctorReport;
import dev.aitk.launcher.util.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Check that this machine is ready to train: driver, GPUs, interpreter, packages, disk, token. */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Check that this machine is ready to train: NVIDIA driver and GPUs, ai-toolkit and its commit, the "
                    + "toolkit's interpreter (torch and CUDA, huggingface_hub, bitsandbytes, optimum-quanto), free "
                    + "disk for the model cache and the outputs, and whether a Hub token is there (never shown).",
            "Each line is ok, warn or fail, with the fix.",
            "",
            "Examples:",
            "  aitk-launcher doctor --toolkit-dir ~/ai-toolkit",
            "  AITK_HOME=~/ai-toolkit aitk-launcher doctor --json"
        },
        footer = {"", "Exit codes: 0 ready (warnings allowed), 7 at least one check failed."})
public final class DoctorCommand extends BaseCommand {
    @Option(names = "--toolkit-dir", paramLabel = "DIR",
            description = "The ai-toolkit checkout (the folder with run.py). Default: $AITK_HOME.")
    Path toolkitDir;

    @Option(names = "--python", paramLabel = "PATH",
            description = "The interpreter that runs run.py. Default: the toolkit's venv/.venv, else python3 on PATH.")
    String python;

    @Option(names = "--output", paramLabel = "DIR", description = "Where checkpoints will go (its free disk is checked). "
            + "Default: the working directory.")
    Path outputDir;

    @Override
    protected int execute() {
        Services s = services();
        DoctorReport report = new Doctor(s.env(), s.processRunner(), s.gpuDetector()).check(toolkitDir, python,
                outputDir);
        return finishWithReport(report, out -> printChecks(report, out), report.ready() ? null : notReady(report));
    }

    private static Failure notReady(DoctorReport report) {
        List<String> failed = report.checks().stream().filter(c -> c.status() == DoctorReport.Status.FAIL)
                .map(DoctorReport.Check::name).toList();
        return new Failure(ExitCode.ENVIRONMENT, "not ready to train: " + String.join(", ", failed)
                + " failed; apply each failed check's fix, then run doctor again");
    }

    private static void printChecks(DoctorReport report, PrintWriter out) {
        for (DoctorReport.Check c : report.checks()) {
            out.printf(Locale.ROOT, "%-4s  %-17s %s%n", c.status().name().toLowerCase(Locale.ROOT), c.name(),
                    c.detail());
            if (c.fix() != null) {
                out.printf(Locale.ROOT, "      %-17s fix: %s%n", "", c.fix());
            }
        }
        out.println(report.ready() ? "ready to train" + (report.checks().stream()
                .anyMatch(c -> c.status() == DoctorReport.Status.WARN) ? " (see the warnings above)" : "")
                : "not ready: fix the failed checks above");
    }
}
