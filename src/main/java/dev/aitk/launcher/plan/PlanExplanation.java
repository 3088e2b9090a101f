package dev.aitk.launcher.plan;

import dev.aitk.launcher.hardware.HostInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the chosen setting into the plan: every ai-toolkit key it sets, each with the reason in numbers
 * (what it was compared against, what the alternative would have peaked at).
 */
final class PlanExplanation {
    private final MemoryModel model;

    PlanExplanation(MemoryModel model) {
        this.model = model;
    }

    TrainingPlan build(PlanRequest r, Candidate c, MemoryBudget budget, GpuLayout layout, List<String> notes,
                       HostInfo host) {
        TrainingSettings s = c.settings();
        Prediction p = c.prediction();
        Candidate.Alternatives a = c.alternatives();
        int accumulation = r.effectiveBatch() == null ? 1 : r.effectiveBatch() / s.batchSize();
        List<Choice> choices = new ArrayList<>();
        choices.add(new Choice("train.batch_size", s.batchSize(), batchReason(r, s, p, a, budget), r.batchSize() != null));
        choices.add(new Choice("train.gradient_accumulation", accumulation, r.effectiveBatch() == null
                ? "no --effective-batch given: every step updates the LoRA"
                : accumulation + " x batch " + s.batchSize() + " keeps the effective batch of " + r.effectiveBatch()
                + " (true accumulation; the legacy gradient_accumulation_steps stays 1)", false));
        choices.add(new Choice("train.gradient_checkpointing", s.gradientCheckpointing(), checkpointReason(s, p, a),
                r.gradientCheckpointing() != null));
        choices.add(new Choice("train.optimizer", s.optimizer(), optimizerReason(s), r.optimizer() != null));
        choices.add(new Choice("network.linear", s.rank(), r.rank() == null ? "rank 16: the usual FLUX LoRA size ("
                + millions(s.shape().loraParams(s.rank())) + " trainable parameters)"
                : "rank " + s.rank() + " as asked (" + millions(s.shape().loraParams(s.rank())) + " parameters)",
                r.rank() != null));
        choices.add(new Choice("network.linear_alpha", s.rank(), "alpha = rank keeps the LoRA's scale at 1",
                r.rank() != null));
        choices.add(new Choice("model.quantize", s.quantize(), quantizeReason(s, a, r.quantize() != null), r.quantize() != null));
        choices.add(new Choice("model.qtype", s.qtype(), !s.quantize()
                ? "unused while quantize is false; ai-toolkit's default"
                : s.layerOffloadingPercent() > 0 ? "8-bit float weights as torchao's float8: with layer_offloading "
                + "ai-toolkit replaces qfloat8 by float8 itself (toolkit/config_modules.py ModelConfig)"
                : "8-bit float weights: what the measurements cover (ai-toolkit's default)", false));
        choices.add(new Choice("model.quantize_te", s.quantizeTextEncoder(), quantizeTeReason(s, budget, layout),
                false));
        choices.add(new Choice("model.low_vram", s.lowVram(), lowVramReason(s, budget, layout), false));
        if (s.model().isFlux2()) {
            Flux2Choices.add(choices, s, model, budget, layout);
        }
        choices.add(new Choice("train.cache_text_embeddings", s.cacheTextEmbeddings(), s.cacheTextEmbeddings()
                ? "each caption is encoded once, then ai-toolkit unloads " + te(s) + " (" + gib(s.model().textEncoder()
                .bf16Gib()) + " in bf16) for training"
                : s.model().noTextEmbeddingCacheReason() + "; " + te(s) + " stay on the GPU", false));
        choices.add(new Choice("train.unload_text_encoder", false, (s.cacheTextEmbeddings()
                ? "cache_text_embeddings already unloads them; " : "kept off: ")
                + "unload_text_encoder alone trains on the trigger word only, ignoring captions", false));
        choices.add(new Choice("datasets[*].cache_latents_to_disk", true, "each image is encoded once: no VAE encode "
                + "peak or time in the training step", false));
        choices.add(new Choice("datasets[*].resolution", s.resolutionsPx(), resolutionReason(r, s, a),
                r.resolutionsPx() != null));
        choices.add(new Choice("model.split_model_over_gpus", layout.mode() == GpuLayout.Mode.SPLIT_MODEL,
                layout.reason(), false));
        TrainingSchedule schedule = TrainingBudget.schedule(r, s, p, accumulation);
        choices.add(new Choice("train.steps", schedule.steps(), stepsReason(r, s, schedule), r.steps() != null));
        int processes = layout.mode() == GpuLayout.Mode.ONE_JOB_PER_GPU ? layout.gpuIndices().size() : 1;
        HostMemory ram = HostMemory.of(s, model.coefficients().bf16BytesPerParam(), model.bytesPerParam(s.qtype()),
                host, processes);
        List<String> allNotes = new ArrayList<>(notes);
        if (!ram.fits()) {
            allNotes.add("warning: " + ram.reason());
        }
        if (s.model().isFlux2()) {
            allNotes.add("FLUX.2: the training step is fitted to " + model.flux2Coefficients().rows() + " measured H200 "
                    + "steps (klein 4B/9B, FLUX.2-dev transformers) and times are H200 times; loading and the "
                    + s.model().textEncoder().name() + " text encoder are estimated from parameter counts, not measured");
        }
        return new TrainingPlan(s, accumulation, layout, p, schedule, budget, ram, true, choices, allNotes, r);
    }

    private static String stepsReason(PlanRequest r, TrainingSettings s, TrainingSchedule t) {
        String per = t.gradientAccumulation() > 1 ? "batch " + s.batchSize() + " x " + t.gradientAccumulation()
                + " accumulated" : "batch " + s.batchSize();
        String epochs = t.epochs() == null ? "" : ", " + Decimals.fixed(t.epochs(), 1) + " epochs";
        String time = "; about " + t.totalTime() + " at " + Decimals.fixed(t.samplesPerSecond(), 2) + " samples/s";
        boolean asAsked = r.steps() != null && r.epochs() == null && (r.batchSize() != null || r.effectiveBatch() != null);
        if (asAsked) {
            return "as asked (" + t.samples() + " samples at " + per + epochs + ")" + time;
        }
        return t.samples() + " samples, the budget of " + t.budget() + ", at " + per + epochs
                + ": train.steps scales with the batch so the run trains as much, not more" + time;
    }

    private static String batchReason(PlanRequest r, TrainingSettings s, Prediction p, Candidate.Alternatives a,
                                      MemoryBudget budget) {
        String speed = Decimals.fixed(p.samplesPerSecond(), 2) + " samples/s";
        if (a == null) {
            return speed;
        }
        if (a.largestFitBatch() > s.batchSize()) {
            return speed + "; batch " + a.largestFitBatch() + " also fits but " + (a.largestFitSamplesPerSecond()
                    < p.samplesPerSecond() ? "is slower (" : "adds under 1% (")
                    + Decimals.fixed(a.largestFitSamplesPerSecond(), 2) + "), so the smaller one";
        }
        DatasetShape.SmallestBucket bucket = SettingsSearch.smallestBucket(r, s.resolutionsPx());
        if (a.firstMiss() == null && bucket != null && s.batchSize() == bucket.images()) {
            return speed + "; " + (r.dataset().sizesKnown() ? "ai-toolkit's bucket " + bucket.bucket() + " at "
                    + bucket.resolutionPx() + " px holds " + bucket.images() + " images"
                    : "the dataset has " + bucket.images() + " images")
                    + ", so a larger batch would only repeat them";
        }
        if (a.firstMiss() != null) {
            return "fastest that fits: " + speed + "; batch " + a.firstMissBatch() + " would peak at "
                    + gib(a.firstMiss().memory().processPeakGib()) + " of " + gib(budget.usableGib()) + " usable";
        }
        return speed + "; the largest batch allowed";
    }

    private static String checkpointReason(TrainingSettings s, Prediction p, Candidate.Alternatives a) {
        String mine = Decimals.fixed(p.samplesPerSecond(), 2) + " samples/s";
        if (a == null || a.otherCheckpointing() == null) {
            return s.gradientCheckpointing()
                    ? "on: " + mine + "; without it not even batch 1 fits (activations cost ~15x more)"
                    : "off: " + mine + " (the other setting was not allowed)";
        }
        String other = Decimals.fixed(a.otherCheckpointing().samplesPerSecond(), 2) + " samples/s at batch "
                + a.otherCheckpointingBatch();
        return (s.gradientCheckpointing() ? "on: " : "off: ") + mine + " at batch " + s.batchSize() + " vs "
                + other + (s.gradientCheckpointing() ? " without (off needs 5% more to be worth the risk)"
                : " with recompute");
    }

    private static String optimizerReason(TrainingSettings s) {
        double bytes = Optimizers.stateBytes(s.optimizer());
        return s.optimizer() + ": " + trim(bytes) + " bytes of state per LoRA parameter (fp32 AdamW: 8), "
                + gib(s.shape().loraParams(s.rank()) * bytes / MemoryModel.GIB) + " at rank " + s.rank();
    }

    private String quantizeReason(TrainingSettings s, Candidate.Alternatives a, boolean pinned) {
        double bf16 = model.weightsGib(s, false);
        if (!s.quantize()) {
            return "bf16 weights (" + gib(bf16) + ") fit: full quality, no dequantization cost";
        }
        double q = model.weightsGib(s, true);
        if (a != null && a.bf16Closest() != null) {
            return "bf16 weights (" + gib(bf16) + ") peak at " + gib(a.bf16Closest().memory().processPeakGib())
                    + " (" + a.bf16Closest().peakPhase() + "); " + s.qtype() + " stores them in " + gib(q);
        }
        return s.qtype() + " stores the weights in " + gib(q) + " instead of " + gib(bf16) + (pinned ? ""
                : "; bf16 also fits, but the larger batch 8-bit leaves room for is faster despite dequantizing");
    }

    private String lowVramReason(TrainingSettings s, MemoryBudget budget, GpuLayout layout) {
        double bf16 = s.shape().baseParams() * model.coefficients().bf16BytesPerParam() / MemoryModel.GIB;
        if (s.model().isFlux2()) {
            TrainingSettings other = copy(s, !s.lowVram(), s.quantizeTextEncoder());
            return (s.lowVram() ? "on: " : "off: ") + "low_vram keeps the transformer on the CPU while " + te(s)
                    + " loads (flux2_model.py load_model); the run peaks at " + gib(peak(s, budget, layout))
                    + " with it " + (s.lowVram() ? "on" : "off") + ", " + gib(peak(other, budget, layout))
                    + " with it " + (s.lowVram() ? "off" : "on");
        }
        if (!s.quantize()) {
            return "no quantization to do; in the FLUX loader low_vram only moves quantizing to the CPU";
        }
        if (s.lowVram()) {
            TrainingSettings onGpu = copy(s, false, s.quantizeTextEncoder());
            return "quantizing on the GPU would peak at " + gib(peak(onGpu, budget, layout)) + " with the bf16 "
                    + "transformer (" + gib(bf16) + ") there; low_vram quantizes on the CPU (slower start)";
        }
        return "the bf16 transformer (" + gib(bf16) + ") fits while it is quantized on the GPU (faster start)";
    }

    private String quantizeTeReason(TrainingSettings s, MemoryBudget budget, GpuLayout layout) {
        if (s.quantizeTextEncoder()) {
            TrainingSettings bf16 = copy(s, s.lowVram(), false);
            return "an 8-bit " + te(s) + " brings the peak from " + gib(peak(bf16, budget, layout))
                    + " to " + gib(peak(s, budget, layout)) + (s.cacheTextEmbeddings()
                    ? "; captions are encoded once, then it is unloaded" : "");
        }
        return "bf16 " + te(s) + " fits" + (s.cacheTextEmbeddings() ? " while captions are cached (full-quality "
                + "embeddings), then it is unloaded" : "") + "; set explicitly because ai-toolkit defaults it to "
                + "model.quantize";
    }

    private static String te(TrainingSettings s) {
        return s.model().isFlux2() ? s.model().textEncoder().name() : "T5 and CLIP";
    }

    double peak(TrainingSettings s, MemoryBudget budget, GpuLayout layout) {
        int split = layout.mode() == GpuLayout.Mode.SPLIT_MODEL ? layout.gpuIndices().size() : 1;
        return model.predict(s, budget, split).memory().processPeakGib();
    }

    private static TrainingSettings copy(TrainingSettings s, boolean lowVram, boolean quantizeTe) {
        return new TrainingSettings(s.model(), s.shape(), s.batchSize(), s.resolutionsPx(), s.rank(), s.optimizer(),
                s.quantize(), s.qtype(), quantizeTe, s.gradientCheckpointing(), s.cacheLatentsToDisk(),
                s.cacheTextEmbeddings(), s.unloadTextEncoder(), lowVram, s.layerOffloadingPercent());
    }

    private static String resolutionReason(PlanRequest r, TrainingSettings s, Candidate.Alternatives a) {
        if (r.resolutionsPx() != null) {
            return "as asked";
        }
        if (a != null && a.largerResolutions() != null && a.largerResolution() != null) {
            return "the largest list that fits; " + a.largerResolutions() + " would peak at "
                    + gib(a.largerResolution().memory().processPeakGib()) + " even at batch 1";
        }
        return s.model() == ModelVariant.KONTEXT
                ? "ai-toolkit's Kontext example: the control image doubles the tokens"
                : "all of FLUX's usual training sizes fit";
    }

    static String gib(double value) {
        return Decimals.fixed(value, 1) + " GiB";
    }

    static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String millions(long params) {
        return Decimals.fixed(params / 1e6, 1) + " M";
    }
}
