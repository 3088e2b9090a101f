package dev.aitk.launcher.cli;

import dev.aitk.launcher.config.AppliedSetting;
import dev.aitk.launcher.config.YamlNodes;
import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.PreparedJob;
import dev.aitk.launcher.toolkit.ChildEnvironment;
import dev.aitk.launcher.plan.ModelChoice;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.List;

/** Prints a {@link LaunchPreparation} for people; --json prints the same record as JSON. */
final class LaunchReport {
    private LaunchReport() {
    }

    /** Which model the rendered configs train, and why (the template, --model, or the dataset's layout). */
    static void printModel(PrintWriter out, ModelChoice choice) {
        out.println("Model: " + choice.variant().cliName() + " (" + choice.variant().repoId()
                + "): " + choice.reason());
    }

    static void print(PrintWriter out, LaunchPreparation p, boolean configsWritten) {
        print(out, p, configsWritten, "a real launch stops on these errors (exit 3); a dry run only reports them");
    }

    /** {@code onErrors} says, under findings with errors, what they stop. */
    static void print(PrintWriter out, LaunchPreparation p, boolean configsWritten, String onErrors) {
        List<GpuInfo> gpus = p.inventory().gpus();
        out.println("GPUs: " + gpus.size() + " (from " + p.inventory().gpuSource().label() + ")");
        for (GpuInfo g : gpus) {
            out.println("  [" + g.index() + "] " + g.name() + (g.totalMib() == null ? "" : ", " + g.totalMib() + " MiB"));
        }
        if (!p.planNotes().isEmpty()) {
            out.println("Plan:");
            p.planNotes().forEach(n -> out.println("  " + n));
        }
        for (PreparedJob job : p.jobs()) {
            out.println();
            out.println("Job " + job.name() + " on GPU " + join(job.gpuIndices()));
            out.println("  config:  " + job.config() + (job.rendered()
                    ? (configsWritten ? " (written" : " (not written") + ", from template " + job.template() + ")"
                    : " (used as it is)"));
            if (!job.settings().isEmpty()) {
                out.println("  settings (later lines win):");
                int width = job.settings().stream().mapToInt(s -> s.keyPath().length()).max().orElse(0);
                for (AppliedSetting s : job.settings()) {
                    String shown = YamlNodes.display(s.value());
                    String was = s.created() ? "new key" : s.previous() == null || s.previous().equals(shown)
                            || (s.value() instanceof List<?> && s.previous().equals(String.valueOf(s.value())))
                            ? null : "was " + s.previous();
                    out.printf("    %-" + width + "s = %s   [%s%s]%s%n", s.keyPath(), shown,
                            s.reason(), was == null ? "" : "; " + was,
                            s.overriddenBy() == null ? "" : "  (replaced by " + s.overriddenBy() + ")");
                }
            }
            job.notes().forEach(n -> out.println("  note: " + n));
            out.println("  validation:");
            if (job.findings().isEmpty()) {
                out.println("    no findings");
            }
            job.findings().forEach(f -> out.println("    " + f));
            if (job.findingsHaveErrors()) {
                out.println("    " + onErrors);
            }
            out.println("  command (cwd " + job.workingDirectory() + "):");
            out.println("    " + job.commandLine());
            out.println("  environment (added to yours):");
            int width = job.environment().stream().mapToInt(v -> v.name().length() + v.value().length() + 1).max().orElse(0);
            for (ChildEnvironment.Variable v : job.environment()) {
                out.printf("    %-" + width + "s  %s%n", v.name() + "=" + v.value(), v.reason());
            }
            job.environmentNotes().forEach(n -> out.println("  note: " + n));
        }
        if (!p.notes().isEmpty()) {
            out.println();
            p.notes().forEach(n -> out.println("note: " + n));
        }
    }

    private static String join(List<Integer> xs) {
        return String.join(",", xs.stream().map(String::valueOf).toList());
    }
}
