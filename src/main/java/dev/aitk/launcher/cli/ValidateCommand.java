package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.validate.Finding;
import dev.aitk.launcher.validate.ValidateOptions;
import dev.aitk.launcher.validate.ValidationReport;
import dev.aitk.launcher.validate.Validator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Check an ai-toolkit config and its datasets before a run: every problem with its path, line and fix. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Check an ai-toolkit config and its datasets before a run: every problem with its path in the "
                    + "document, its line:column in the file, what is wrong and how to fix it.",
            "",
            "Reads the config as run.py does ($${VAR} from the environment, YAML or JSON), checks the keys a "
                    + "FLUX LoRA run uses and ai-toolkit's own rules, reads every image header in the datasets "
                    + "(captions, mask/control/inpaint partners, sizes, corrupt files), the disk room for "
                    + "checkpoints and the latent cache, and whether the run fits the GPU.",
            "",
            "Examples:",
            "  aitk-launcher validate config/my_flux_lora.yaml",
            "  aitk-launcher validate my_lora.yaml --gpu-memory 24GB",
            "  aitk-launcher validate my_lora.yaml --deep --json",
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   no errors (warnings may be printed)",
            "  2   usage error (bad flag or value)",
            "  3   the config or its datasets have errors, or the file is not a usable config",
        })
public final class ValidateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "The ai-toolkit config (.yaml, .yml or .json).")
    Path config;

    @Mixin
    GpuOptions gpu;

    @Option(names = "--deep", description = "Decode every image fully to find truncated or corrupt files (slower).")
    boolean deep;

    @Option(names = "--toolkit-dir", paramLabel = "DIR",
            description = "ai-toolkit's folder. As run.py does, CONFIG is looked up in its config/ folder first, and "
                    + "relative paths in the config are resolved against it. Default: the current directory.")
    Path toolkitDir;

    @Override
    protected int execute() {
        Services s = services();
        ValidateOptions options = ValidateOptions.defaults().withGpus(gpu.gpuMemory(), gpu.gpus()).withDeep(deep)
                .withToolkitRoot(toolkitDir);
        ValidationReport report = new Validator(s.env(), s.processRunner()).validate(config, options);
        return finishWithReport(report, out -> print(report, out), !report.hasErrors() ? null
                : new Failure(ExitCode.INPUT_INVALID, config + " has " + plural(report.errorCount(), "error")
                        + " (" + (output.json() ? "in findings" : "listed above") + "); fix each where its line says, then "
                        + "validate again"));
    }

    static void print(ValidationReport r, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %s, %s%n", r.config(), plural(r.errorCount(), "error"), plural(r.warningCount(), "warning"));
        section(out, "errors", r.findings().stream().filter(Finding::isError).toList());
        section(out, "warnings", r.findings().stream().filter(f -> !f.isError()).toList());
        ValidationReport.Summary sum = r.summary();
        if (!sum.datasets().isEmpty()) {
            out.println();
            out.println("datasets");
            for (ValidationReport.DatasetSummary d : sum.datasets()) {
                StringBuilder line = new StringBuilder();
                line.append(String.format(Locale.ROOT, "  %s  %s: %,d images, %,d with captions", d.path(), d.folder(), d.images(), d.withCaption()));
                if (d.usingDefaultCaption() > 0) {
                    line.append(String.format(Locale.ROOT, ", %,d with the default caption", d.usingDefaultCaption()));
                }
                partner(line, "masks", d.withMask());
                partner(line, "controls", d.withControl());
                partner(line, "inpaint images", d.withInpaint());
                int res = d.resolutionsPx().stream().mapToInt(Integer::intValue).min().orElse(512);
                line.append(String.format(Locale.ROOT, ", %,d unreadable, %,d below %dx%d", d.unreadable(), d.smallerThanResolution(), res, res));
                out.println(line);
            }
        }
        if (!sum.disk().isEmpty()) {
            out.println();
            out.println("disk");
            for (ValidationReport.DiskNeed n : sum.disk()) {
                out.printf(Locale.ROOT, "  %s  %s: needs %s, %s free%n    (%s)%n", n.enough() ? "ok  " : "FULL", n.folder(),
                        new ByteSize(n.neededBytes()).human(), n.freeBytes() == null ? "unknown" : new ByteSize(n.freeBytes()).human(),
                        n.detail());
            }
        }
        out.println();
        ValidationReport.Fit fit = sum.fit();
        if (fit.checked()) {
            out.printf(Locale.ROOT, "fit: %s: %s%s%n", fit.gpu(), fit.peak(), fit.predictedPeakGib() <= fit.usableGib() ? "" : " (does not fit)");
        } else {
            out.println("fit: " + fit.note());
        }
        for (String note : sum.notes()) {
            out.println("note: " + note);
        }
        out.printf(Locale.ROOT, "checked in %.1f s%n", sum.elapsedMillis() / 1000.0);
    }

    private static void partner(StringBuilder line, String what, Integer count) {
        if (count != null) {
            line.append(String.format(Locale.ROOT, ", %,d %s", count, what));
        }
    }

    private static void section(PrintWriter out, String title, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        out.println();
        out.println(title);
        for (Finding f : findings) {
            String where = f.location();
            out.printf("  %s%s%n", f.path().isEmpty() ? "(file)" : f.path(), where.isEmpty() ? "" : "  (" + where + ")");
            out.println("    " + f.message());
            if (f.fix() != null) {
                out.println("    fix: " + f.fix());
            }
        }
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
