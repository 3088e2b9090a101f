package dev.aitk.launcher.validate;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.PeakFit;
import dev.aitk.launcher.plan.Prediction;
import dev.aitk.launcher.plan.TrainingSettings;
import dev.aitk.launcher.validate.ValidationReport.Fit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Does the run fit its GPU? ai-toolkit trains one process on the one device named by {@code device}
 * (cuda:0 by default), so the check is the planner's predicted peak of that process against the usable
 * memory of that card. When it does not fit, the error lists the single changes that would make it fit,
 * each with its predicted peak.
 */
final class FitCheck {
    private final GpuInventory inventory;
    private final MemoryPredictor predictor;
    private final DoubleFunction<MemoryBudget> budgetForCard;
    private final Findings findings;

    FitCheck(GpuInventory inventory, MemoryPredictor predictor,
             DoubleFunction<MemoryBudget> budgetForCard, Findings findings) {
        this.inventory = inventory;
        this.predictor = predictor;
        this.budgetForCard = budgetForCard;
        this.findings = findings;
    }

    Fit check(ConfigNode process) {
        TrainingSettings settings = SettingsFromConfig.of(process);
        if (settings == null) {
            return Fit.skipped("not checked for " + process.path() + ": its model is not a FLUX variant this launcher sizes");
        }
        if (inventory == null || inventory.isEmpty()) {
            return Fit.skipped("not checked: no GPU detected; pass --gpu-memory (and --gpus) to check against a card");
        }
        ConfigNode deviceNode = process.get("device").orElse(null);
        String device = deviceNode == null || deviceNode.string() == null ? "cuda:0" : deviceNode.string();
        int index = 0;
        if (device.startsWith("cuda:")) {
            try {
                index = Integer.parseInt(device.substring(5).trim());
            } catch (NumberFormatException e) {
                index = -1;
            }
        } else if (!device.equals("cuda")) {
            return Fit.skipped("not checked: device '" + device + "' is not a CUDA GPU");
        }
        if (index < 0 || index >= inventory.count()) {
            findings.error(deviceNode == null ? process : deviceNode, "device is " + device + ", but " + inventory.count()
                            + (inventory.count() == 1 ? " GPU is" : " GPUs are") + " available (cuda:0" + (inventory.count() > 1 ? " to cuda:" + (inventory.count() - 1) : "") + ")",
                    "set device: cuda:0");
            return Fit.skipped("not checked: " + device + " does not exist here");
        }
        GpuInfo gpu = inventory.gpus().get(index);
        if (!gpu.memoryKnown()) {
            return Fit.skipped("not checked: the memory of " + gpu.name() + " is unknown (found by " + gpu.source().label()
                    + "); pass --gpu-memory");
        }
        MemoryBudget budget = budgetForCard.apply(gpu.totalMib() / 1024.0);
        // split_model_over_gpus spreads the transformer over every visible GPU; otherwise one card holds it all.
        boolean split = Boolean.TRUE.equals(process.get("model").flatMap(m -> m.get("split_model_over_gpus")).map(ConfigNode::bool).orElse(null));
        int splitGpus = split ? inventory.count() : 1;
        Prediction prediction;
        try {
            prediction = predictor.predict(settings, budget, splitGpus);
        } catch (RuntimeException e) {
            return Fit.skipped("not checked: the memory model cannot size this run (" + e.getMessage() + ")");
        }
        // The planner's one basis for "peak" (PeakFit), so plan, launch and validate say the same of one config.
        PeakFit peakFit = PeakFit.of(prediction, budget);
        double peak = peakFit.peakGib();
        String gpuName = "cuda:" + index + " " + gpu.name() + (splitGpus > 1 ? " (model split over " + splitGpus + " GPUs)" : "");
        if (peakFit.fits()) {
            return new Fit(true, null, gpuName, peak, peakFit.usableGib(), List.of(), peakFit.sentence());
        }
        List<String> fixes = alternatives(settings, budget, splitGpus);
        ConfigNode at = process.get("model").orElse(process);
        findings.error(at, "the run needs more GiB of GPU memory than " + gpuName + " has: " + peakFit.sentence(),
                fixes.isEmpty() ? String.format(Locale.ROOT, "no single change brings the peak (%s) under %.1f GiB: use a card with at least %d GB, "
                                + "or lower several settings at once (aitk-launcher plan picks settings that fit)",
                        prediction.peakPhase(), budget.usableGib(), smallestCardGib(peak))
                        : String.join(", or ", fixes));
        return new Fit(true, null, gpuName, peak, peakFit.usableGib(), fixes, peakFit.sentence());
    }

    /** The smallest whole-GiB card whose budget holds {@code processPeakGib}. */
    private int smallestCardGib(double processPeakGib) {
        int card = (int) Math.ceil(processPeakGib);
        while (budgetForCard.apply(card).usableGib() < processPeakGib && card < 4096) {
            card++;
        }
        return card;
    }

    /** Single changes that bring the peak under the budget, each with its predicted peak. */
    private List<String> alternatives(TrainingSettings s, MemoryBudget budget, int splitGpus) {
        List<String> out = new ArrayList<>();
        List<Object[]> tries = new ArrayList<>();
        if (!s.quantize()) {
            tries.add(new Object[] {"set model.quantize: true", with(s, s.batchSize(), s.resolutionsPx(), true, s.gradientCheckpointing(),
                    s.cacheTextEmbeddings(), s.unloadTextEncoder(), s.lowVram())});
        }
        if (s.batchSize() > 1) {
            tries.add(new Object[] {"set train.batch_size: 1", with(s, 1, s.resolutionsPx(), s.quantize(), s.gradientCheckpointing(),
                    s.cacheTextEmbeddings(), s.unloadTextEncoder(), s.lowVram())});
        }
        if (!s.gradientCheckpointing()) {
            tries.add(new Object[] {"set train.gradient_checkpointing: true", with(s, s.batchSize(), s.resolutionsPx(), s.quantize(), true,
                    s.cacheTextEmbeddings(), s.unloadTextEncoder(), s.lowVram())});
        }
        if (!s.cacheTextEmbeddings()) {
            tries.add(new Object[] {"set train.cache_text_embeddings: true (the text encoders then leave the GPU)", with(s, s.batchSize(),
                    s.resolutionsPx(), s.quantize(), s.gradientCheckpointing(), true, s.unloadTextEncoder(), s.lowVram())});
        }
        if (!s.lowVram()) {
            tries.add(new Object[] {"set model.low_vram: true", with(s, s.batchSize(), s.resolutionsPx(), s.quantize(),
                    s.gradientCheckpointing(), s.cacheTextEmbeddings(), s.unloadTextEncoder(), true)});
        }
        if (s.resolutionsPx().size() > 1) {
            List<Integer> smaller = s.resolutionsPx().subList(0, s.resolutionsPx().size() - 1);
            tries.add(new Object[] {"drop resolution " + s.resolutionsPx().get(s.resolutionsPx().size() - 1) + " from the datasets",
                    with(s, s.batchSize(), smaller, s.quantize(), s.gradientCheckpointing(), s.cacheTextEmbeddings(), s.unloadTextEncoder(), s.lowVram())});
        }
        for (Object[] t : tries) {
            try {
                Prediction p = predictor.predict((TrainingSettings) t[1], budget, splitGpus);
                if (budget.fits(p.memory())) {
                    out.add(String.format(Locale.ROOT, "%s (predicted %.1f GiB)", t[0], p.peakGib()));
                }
            } catch (RuntimeException e) {
                // An alternative the model cannot size is not offered.
            }
        }
        return out;
    }

    private static TrainingSettings with(TrainingSettings s, int batch, List<Integer> resolutions, boolean quantize,
                                         boolean checkpointing, boolean cacheText, boolean unloadTe, boolean lowVram) {
        return new TrainingSettings(s.model(), s.shape(), batch, resolutions, s.rank(), s.optimizer(), quantize, s.qtype(),
                quantize || s.quantizeTextEncoder(), checkpointing, s.cacheLatentsToDisk(), cacheText, unloadTe, lowVram);
    }
}
