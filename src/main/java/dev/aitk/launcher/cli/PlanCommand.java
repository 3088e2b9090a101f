package dev.aitk.launcher.cli;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.Choice;
import dev.aitk.launcher.plan.Decimals;
import dev.aitk.launcher.plan.DoesNotFitException;
import dev.aitk.launcher.plan.MemoryBreakdown;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelChoice;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PhasePeak;
import dev.aitk.launcher.plan.PlanRefusal;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.plan.TrainingSchedule;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Plan the fastest training settings that fit the GPUs, with the predicted memory and the reason for each choice. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Plan the fastest training settings that fit the GPUs, with the predicted memory and the reason for "
                    + "each choice.",
            "",
            "The memory model is fitted to measured FLUX LoRA runs on an H100 and predicts from the model's "
                    + "structure (blocks, hidden size, LoRA rank, optimizer, quantization, checkpointing). "
                    + "Every flag below pins one choice; the plan then says whether it still fits.",
            "",
            "Examples:",
            "  aitk-launcher plan --gpu-memory 24GB --gpus 1",
            "  aitk-launcher plan --gpu-memory 80GB --gpus 2 --json",
            "  aitk-launcher plan --model kontext --resolution 512,768 --effective-batch 8",
            "  aitk-launcher plan --model flex2 --transformer-config Flex.2-preview/transformer/config.json",
            "",
            "Exit codes: 0 planned, 2 bad flag, 3 unreadable --transformer-config, 4 nothing (or the pinned plan) "
                    + "does not fit, 7 no GPU found and no --gpu-memory given."
        })
public final class PlanCommand extends BaseCommand {
    @Mixin
    GpuOptions gpuOptions;

    @Option(names = "--model", paramLabel = "VARIANT", description = "dev, kontext, flex2, flux2-klein-4b, flux2-klein-9b or flux2-dev (default: the "
            + "--template's model, else what the --dataset layout shows, else dev).")
    ModelVariant model;

    @Option(names = "--template", paramLabel = "NAME|FILE", description = "A shipped template or your own "
            + "ai-toolkit YAML: its model.arch decides the model and its train.steps the training length.")
    String template;

    @Option(names = "--dataset", paramLabel = "DIR", description = "The training images: the batch is capped by "
            + "ai-toolkit's buckets of them, and epochs are counted over them.")
    Path dataset;

    @Mixin
    PlanPinOptions pins;

    @Override
    protected int execute() {
        GpuInventory inventory = services().gpuDetector()
                .detect(gpuOptions.gpuMemory(), gpuOptions.gpus());
        ModelSelection selection = ModelSelection.of(model, template, dataset, services().env());
        PlanRequest request = pins.request(selection, services().env(), dataset);
        PrintWriter out = services().out();
        TrainingPlan plan;
        try {
            plan = new Planner(MemoryModel.standard()).plan(inventory, request);
        } catch (DoesNotFitException e) {
            foundBeforeFailing(new Refused(inventory.gpus(), e.refusal()));
            throw e;
        }
        if (output.json()) {
            out.println(Json.write(new Planned(inventory.gpus(), selection.choice(), plan)));
        } else {
            print(out, inventory, plan, selection);
        }
        return ExitCode.OK.code();
    }

    record Planned(List<GpuInfo> gpus, ModelChoice model, TrainingPlan plan) {
    }

    record Refused(List<GpuInfo> gpus, PlanRefusal refusal) {
    }

    private void print(PrintWriter out, GpuInventory inventory, TrainingPlan plan, ModelSelection selection) {
        for (GpuInfo g : inventory.gpus()) {
            String size = gib(g.totalMib() / 1024.0);
            out.println("GPU " + g.index() + ": " + (g.name() != null && g.name().contains(size) ? g.name()
                    : g.name() + ", " + size) + " (from " + g.source().label() + ")");
        }
        MemoryBudget b = plan.budget();
        out.println("Budget per GPU: " + gib(b.cardTotalGib()) + " card - " + gib(b.cudaContextGib())
                + " CUDA context - " + gib(b.marginGib()) + " margin");
        out.println("                = " + gib(b.usableGib()) + " usable");
        out.println();
        ModelVariant v = selection.variant();
        wrap(out, "Model: " + v.cliName() + " (" + v.repoId() + "): " + selection.choice().reason(), "");
        out.println();
        out.println("Settings for " + v.cliName() + ":");
        for (Choice c : plan.choices()) {
            out.println("  " + c.key() + ": " + c.value() + (c.pinned() ? "  (pinned)" : ""));
            wrap(out, c.reason(), "      ");
        }
        MemoryBreakdown m = plan.prediction().memory();
        out.println();
        out.println("Predicted peak per GPU (" + plan.prediction().peakPhase() + "), GiB:");
        row(out, "transformer_weights", m.transformerWeightsGib(), "");
        row(out, "lora_and_optimizer", m.loraAndOptimizerGib(), "");
        row(out, "activations", m.activationsGib(), "");
        row(out, "text_encoders", m.textEncodersGib(), "");
        row(out, "vae", m.vaeGib(), "");
        row(out, "cuda_context", m.cudaContextGib(), "");
        row(out, "margin", m.marginGib(), "");
        row(out, "total", m.totalGib(), " of " + Decimals.fixed(b.cardTotalGib(), 1));
        wrap(out, "Fit: " + plan.peakFit().sentence(), "");
        StringBuilder phases = new StringBuilder("Each phase's peak:");
        for (PhasePeak p : plan.prediction().phases()) {
            phases.append(' ').append(p.description()).append(' ').append(gib(p.peakGib())).append(',');
        }
        wrap(out, phases.substring(0, phases.length() - 1), "");
        wrap(out, "Host RAM: " + plan.hostMemory().reason(), "");
        out.println();
        TrainingSchedule t = plan.schedule();
        wrap(out, "Training: " + t.steps() + " steps of " + plan.effectiveBatch() + " = " + t.samples() + " samples"
                + (t.epochs() == null ? "" : ", " + Decimals.fixed(t.epochs(), 1) + " epochs") + ", about "
                + t.totalTime() + " (" + t.budget() + ")", "");
        wrap(out, "Speed: " + Decimals.fixed(plan.prediction().stepSeconds(), 2) + " s/batch, "
                + Decimals.fixed(t.samplesPerSecond(), 2) + " samples/s, effective batch "
                + plan.effectiveBatch() + " (mean over " + plan.settings().resolutionsPx() + " px)", "");
        wrap(out, "Layout: " + plan.layout().mode().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " on GPU "
                + plan.layout().gpuIndices() + " (CUDA_VISIBLE_DEVICES=" + plan.layout().cudaVisibleDevices() + ")", "");
        wrap(out, plan.layout().reason(), "      ");
        for (String note : plan.notes()) {
            wrap(out, "Note: " + note, "  ");
        }
    }

    private static String gib(double value) {
        return Decimals.fixed(value, 1) + " GiB";
    }

    private static void row(PrintWriter out, String name, double gib, String suffix) {
        out.println("  " + Decimals.padRight(name, 20) + Decimals.padLeft(Decimals.fixed(gib, 1), 7) + suffix);
    }

    /** Wraps text at 80 columns with an indent. */
    private static void wrap(PrintWriter out, String text, String indent) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > 80) {
                out.println(line);
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.println(line);
    }
}
