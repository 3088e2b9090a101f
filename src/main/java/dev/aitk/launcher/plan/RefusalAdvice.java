package dev.aitk.launcher.plan;

import static dev.aitk.launcher.plan.PlanExplanation.gib;
import static dev.aitk.launcher.plan.PlanExplanation.trim;

import dev.aitk.launcher.hardware.GpuInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * When nothing fits: by how much, in which phase, and every change that would make a plan fit (each one
 * checked by searching again): a pin to drop, another process to stop, a second card, the smallest common card.
 */
final class RefusalAdvice {
    /** Card sizes people buy, in GiB, for "the smallest card that would work". */
    static final double[] COMMON_CARDS_GIB = {8, 12, 16, 20, 24, 32, 40, 48, 80, 96, 141, 180};

    private final SettingsSearch search;

    RefusalAdvice(SettingsSearch search) {
        this.search = search;
    }

    DoesNotFitException refuse(PlanRequest r, GpuInfo gpu, MemoryBudget budget, Candidate closest, int gpus) {
        double card = gpu.totalMib() / 1024.0;
        Double smallest = null;
        for (double size : COMMON_CARDS_GIB) {
            if (size > card && search.search(r.withMemoryCapGib(null), MemoryBudget.forCard(size), 1).fits()) {
                smallest = size;
                break;
            }
        }
        List<String> changes = new ArrayList<>();
        if (gpu.usedMib() != null && gpu.usedMib() >= Planner.OTHER_PROCESSES_MIN_MIB
                && search.search(r, MemoryBudget.forCard(card), 1).fits()) {
            changes.add("free the " + gib(gpu.usedMib() / 1024.0) + " other processes hold on GPU " + gpu.index());
        }
        tryChange(changes, r.withBatchSize(null), r.batchSize() != null, "drop --batch-size", budget);
        tryChange(changes, r.withGradientCheckpointing(null), r.gradientCheckpointing() != null,
                "drop --no-gradient-checkpointing", budget);
        tryChange(changes, r.withQuantize(null), r.quantize() != null, "drop --no-quantize", budget);
        tryChange(changes, r.withResolutions(null), r.resolutionsPx() != null, "drop --resolution", budget);
        tryChange(changes, r.withRank(null), r.rank() != null && r.rank() > PlanRequest.DEFAULT_RANK,
                "use the default rank 16", budget);
        tryChange(changes, r.withOptimizer(null), r.optimizer() != null, "use --optimizer adamw8bit", budget);
        tryChange(changes, r.withEffectiveBatch(null), r.effectiveBatch() != null, "drop --effective-batch", budget);
        List<String> pins = pinnedFlags(r);
        if (changes.isEmpty() && pins.size() > 1) {
            PlanRequest free = PlanRequest.of(r.model()).withShape(r.shape()).withSteps(r.steps())
                    .withEpochs(r.epochs()).withBaseline(r.baseline()).withMemoryCapGib(r.memoryCapGib())
                    .withJobs(r.jobs()).withDataset(r.dataset()).withOomLimits(r.oomLimits());
            tryChange(changes, free, true, "drop the pins " + String.join(", ", pins), budget);
        }
        if (gpus == 1 && r.model() == ModelVariant.DEV && search.search(r, budget, 2).fits()) {
            changes.add("add a second " + gib(card) + " GPU: model.split_model_over_gpus spreads the blocks");
        }
        if (smallest != null) {
            changes.add("use a GPU with at least " + trim(smallest) + " GB");
        }
        double peak = closest == null ? Double.NaN : closest.prediction().memory().processPeakGib();
        String phase = closest == null ? "training step" : closest.prediction().peakPhase();
        String what = pins.isEmpty() ? "nothing fits" : "the pinned plan does not fit";
        String noSplit = gpus > 1 && r.model() != ModelVariant.DEV
                ? " (ai-toolkit splits only FLUX.1-dev over GPUs, arch flux; " + r.model().arch() + " cannot be split)"
                : "";
        String message = what + " a GPU with " + gib(card) + ": the smallest plan tried peaks at " + gib(peak) + " ("
                + phase + ") but " + gib(budget.usableGib()) + " are usable" + noSplit
                + (changes.isEmpty() ? "; no common card size up to 180 GB fits these settings"
                : "; " + String.join(", or ", changes));
        return new DoesNotFitException(new PlanRefusal(message, card, budget.usableGib(), peak, phase, smallest,
                changes));
    }

    private static List<String> pinnedFlags(PlanRequest r) {
        List<String> pins = new ArrayList<>();
        if (r.batchSize() != null) {
            pins.add("--batch-size");
        }
        if (r.gradientCheckpointing() != null) {
            pins.add(r.gradientCheckpointing() ? "--gradient-checkpointing" : "--no-gradient-checkpointing");
        }
        if (r.quantize() != null) {
            pins.add(r.quantize() ? "--quantize" : "--no-quantize");
        }
        if (r.resolutionsPx() != null) {
            pins.add("--resolution");
        }
        if (r.rank() != null) {
            pins.add("--rank");
        }
        if (r.optimizer() != null) {
            pins.add("--optimizer");
        }
        if (r.effectiveBatch() != null) {
            pins.add("--effective-batch");
        }
        return pins;
    }

    private void tryChange(List<String> changes, PlanRequest relaxed, boolean applies, String change,
                           MemoryBudget budget) {
        if (applies && search.search(relaxed, budget, 1).fits()) {
            changes.add(change);
        }
    }
}
