package dev.aitk.launcher.plan;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the settings with the highest predicted samples per second whose predicted peak fits each GPU's
 * budget, and says why for every choice. Deterministic: the same inventory and request give the same plan.
 *
 * <p>Multi-GPU placements, as ai-toolkit implements them:
 * <ul>
 * <li>{@code model.split_model_over_gpus}: toolkit/models/flux.py {@code add_model_gpu_splitter_to_flux}
 * assigns the transformer blocks to every visible GPU in turn (text encoders, VAE and embedders stay on GPU 0)
 * and runs them one after another, so it buys memory, not speed. toolkit/config_modules.py
 * {@code ModelConfig.__init__} rejects it unless the model is FLUX ({@code is_flux}, arch {@code flux}), so
 * Kontext ({@code flux_kontext}) and Flex.2 ({@code flex2}) cannot use it.</li>
 * <li>One job per GPU: run.py is one process on {@code device: cuda:0} of its CUDA_VISIBLE_DEVICES; ai-toolkit's
 * own UI launches each job that way. There is no data-parallel launch for one job (run.py is not started under
 * accelerate/torchrun), so a second GPU never speeds up a single job.</li>
 * <li>Text encoders on another GPU: {@code model.te_device} exists in ModelConfig but the FLUX loader
 * (toolkit/stable_diffusion_model.py {@code load_model}) moves T5 and CLIP to the training device, so it is not
 * planned.</li>
 * </ul>
 */
public final class Planner {
    static final int MAX_BATCH = 64;
    /** A plan within 1% of the fastest is as fast; ties go to checkpointing on, bf16, smaller batches. */
    static final double TIE = 0.99;
    /** Card sizes people buy, in GiB, for "the smallest card that would work". */
    static final double[] COMMON_CARDS_GIB = {8, 12, 16, 20, 24, 32, 40, 48, 80, 96, 141, 180};
    static final String QTYPE = "qfloat8";
    /**
     * Checkpointing goes off only when that is predicted at least 5% faster: without it activations grow ~15x
     * faster per sample, so a prediction error becomes an out-of-memory failure instead of a slowdown.
     */
    static final double CHECKPOINTING_OFF_GAIN = 1.05;

    private final MemoryModel model;

    public Planner(MemoryModel model) {
        this.model = model;
    }

    /** The fastest plan that fits, or {@link DoesNotFitException} with what to change. */
    public TrainingPlan plan(GpuInventory inventory, PlanRequest request) {
        checkRequest(request);
        List<GpuInfo> gpus = usableGpus(inventory);
        if (request.jobs() > 1) {
            return oneJobPerGpu(gpus, request);
        }
        GpuInfo best = gpus.get(0);
        for (GpuInfo g : gpus) {
            if (g.totalMib() > best.totalMib()) {
                best = g;
            }
        }
        MemoryBudget budget = budgetFor(best, request);
        Candidate single = search(request, budget, 1);
        boolean canSplit = gpus.size() > 1 && request.model() == ModelVariant.DEV;
        Candidate split = null;
        MemoryBudget splitBudget = null;
        if (canSplit) {
            splitBudget = budgetFor(smallest(gpus), request);
            split = search(request, splitBudget, gpus.size());
        }
        List<String> notes = new ArrayList<>();
        noteOtherProcesses(gpus, notes);
        if (single.fits() && (split == null || !split.fits()
                || split.prediction().samplesPerSecond() < single.prediction().samplesPerSecond() / TIE)) {
            String why;
            if (gpus.size() == 1) {
                why = "one GPU: run.py trains one job in one process on it";
            } else {
                why = "fits on one GPU; a single job cannot use more (run.py has no data-parallel launch, and "
                        + "split_model_over_gpus runs blocks one GPU after another)";
                List<Integer> free = new ArrayList<>();
                for (GpuInfo g : gpus) {
                    if (g.index() != best.index()) {
                        free.add(g.index());
                    }
                }
                notes.add("GPUs " + free + " stay free: run another job on each (--jobs N plans one job per GPU)");
            }
            return build(request, single, budget, new GpuLayout(GpuLayout.Mode.SINGLE_GPU, List.of(best.index()), why),
                    notes);
        }
        if (split != null && split.fits()) {
            List<Integer> all = new ArrayList<>();
            for (GpuInfo g : gpus) {
                all.add(g.index());
            }
            String why = single.fits()
                    ? "splitting the blocks over " + gpus.size() + " GPUs allows a faster setting than one GPU"
                    : "does not fit one GPU; model.split_model_over_gpus spreads the blocks over all " + gpus.size()
                    + " (sequential: memory, not speed)";
            return build(request, split, splitBudget, new GpuLayout(GpuLayout.Mode.SPLIT_MODEL, all, why), notes);
        }
        throw refuse(request, best, budget, single, gpus.size());
    }

    private TrainingPlan oneJobPerGpu(List<GpuInfo> gpus, PlanRequest request) {
        int n = Math.min(request.jobs(), gpus.size());
        List<GpuInfo> used = new ArrayList<>(gpus.subList(0, n));
        GpuInfo smallest = smallest(used);
        MemoryBudget budget = budgetFor(smallest, request);
        Candidate c = search(request, budget, 1);
        if (!c.fits()) {
            throw refuse(request, smallest, budget, c, 1);
        }
        List<Integer> indices = new ArrayList<>();
        for (GpuInfo g : used) {
            indices.add(g.index());
        }
        List<String> notes = new ArrayList<>();
        noteOtherProcesses(used, notes);
        if (request.jobs() > n) {
            notes.add((request.jobs() - n) + " of " + request.jobs() + " jobs wait for a free GPU");
        }
        String why = n + " jobs, one run.py per GPU with its own CUDA_VISIBLE_DEVICES, as ai-toolkit's UI runs "
                + "jobs; every job gets the same settings, sized for the smallest of these GPUs";
        notes.add("together the " + n + " jobs train " + Decimals.fixed(n * c.prediction().samplesPerSecond(), 2)
                + " samples/s");
        return build(request, c, budget, new GpuLayout(GpuLayout.Mode.ONE_JOB_PER_GPU, indices, why), notes);
    }

    private static GpuInfo smallest(List<GpuInfo> gpus) {
        GpuInfo s = gpus.get(0);
        for (GpuInfo g : gpus) {
            if (g.totalMib() < s.totalMib()) {
                s = g;
            }
        }
        return s;
    }

    private static List<GpuInfo> usableGpus(GpuInventory inventory) {
        if (inventory == null || inventory.isEmpty()) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "no GPU was found, so there is nothing to plan for; "
                    + "describe the machine with --gpu-memory SIZE --gpus N (e.g. --gpu-memory 24GB --gpus 1)");
        }
        for (GpuInfo g : inventory.gpus()) {
            if (!g.memoryKnown()) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "found " + inventory.count() + " GPU(s) through "
                        + inventory.gpuSource().label() + " but not their memory; pass --gpu-memory SIZE "
                        + "(e.g. --gpu-memory 24GB)");
            }
        }
        return inventory.gpus();
    }

    /** Memory other processes already hold (a desktop, another job) below which nvidia-smi noise is ignored. */
    static final long OTHER_PROCESSES_MIN_MIB = 256;

    private static MemoryBudget budgetFor(GpuInfo gpu, PlanRequest request) {
        MemoryBudget b = MemoryBudget.forCard(gpu.totalMib() / 1024.0);
        if (gpu.usedMib() != null && gpu.usedMib() >= OTHER_PROCESSES_MIN_MIB) {
            b = b.cappedAt(b.usableGib() - gpu.usedMib() / 1024.0);
        }
        return request.memoryCapGib() == null ? b : b.cappedAt(request.memoryCapGib());
    }

    private static void noteOtherProcesses(List<GpuInfo> gpus, List<String> notes) {
        for (GpuInfo g : gpus) {
            if (g.usedMib() != null && g.usedMib() >= OTHER_PROCESSES_MIN_MIB) {
                notes.add("GPU " + g.index() + " already has " + gib(g.usedMib() / 1024.0) + " in use by other "
                        + "processes; the budget leaves it to them");
            }
        }
    }

    private static void checkRequest(PlanRequest r) {
        if (r.optimizer() != null && !Optimizers.known(r.optimizer())) {
            throw new LauncherException(ExitCode.USAGE, "unknown optimizer '" + r.optimizer() + "'; use one of "
                    + Optimizers.names());
        }
        if (r.rank() != null && (r.rank() < 1 || r.rank() > 1024)) {
            throw new LauncherException(ExitCode.USAGE, "LoRA rank " + r.rank() + " is out of range; use 1 to 1024 "
                    + "(16 is the usual choice)");
        }
        if (r.resolutionsPx() != null) {
            if (r.resolutionsPx().isEmpty()) {
                throw new LauncherException(ExitCode.USAGE, "no resolution given; use e.g. --resolution 512,768,1024");
            }
            for (int res : r.resolutionsPx()) {
                if (res < 256 || res > 2048 || res % 16 != 0) {
                    throw new LauncherException(ExitCode.USAGE, "resolution " + res + " is not usable; use multiples "
                            + "of 16 from 256 to 2048 (FLUX packs 16x16 pixels per token), e.g. 512,768,1024");
                }
            }
        }
        if (r.batchSize() != null && (r.batchSize() < 1 || r.batchSize() > MAX_BATCH)) {
            throw new LauncherException(ExitCode.USAGE, "batch size " + r.batchSize() + " is out of range; use 1 to "
                    + MAX_BATCH);
        }
        if (r.effectiveBatch() != null && r.effectiveBatch() < 1) {
            throw new LauncherException(ExitCode.USAGE, "effective batch must be at least 1");
        }
        if (r.batchSize() != null && r.effectiveBatch() != null && r.effectiveBatch() % r.batchSize() != 0) {
            throw new LauncherException(ExitCode.USAGE, "--effective-batch " + r.effectiveBatch()
                    + " is not a multiple of --batch-size " + r.batchSize() + "; pick sizes that divide evenly");
        }
        if (r.steps() != null && r.steps() < 1) {
            throw new LauncherException(ExitCode.USAGE, "steps must be at least 1 (e.g. --steps 2000)");
        }
        if (r.memoryCapGib() != null && !(r.memoryCapGib() > 0)) {
            throw new LauncherException(ExitCode.USAGE, "a memory cap must be more than 0 GiB");
        }
    }

    /** One evaluated setting. {@code fits} false means it is the closest miss (lowest peak) found. */
    record Candidate(TrainingSettings settings, Prediction prediction, boolean fits, Alternatives alternatives) {
    }

    /** What the choice was compared against, for the reasons. */
    record Alternatives(Prediction otherCheckpointing, int otherCheckpointingBatch, int largestFitBatch,
                        double largestFitSamplesPerSecond, int firstMissBatch, Prediction firstMiss,
                        Prediction largerResolution, List<Integer> largerResolutions, Prediction bf16Closest) {

        Alternatives withResolution(Prediction larger, List<Integer> largerList, Prediction bf16) {
            return new Alternatives(otherCheckpointing, otherCheckpointingBatch, largestFitBatch,
                    largestFitSamplesPerSecond, firstMissBatch, firstMiss, larger, largerList, bf16);
        }
    }

    static List<List<Integer>> resolutionLists(PlanRequest r) {
        if (r.resolutionsPx() != null) {
            return List.of(r.resolutionsPx());
        }
        // ai-toolkit's Kontext example trains at 512 and 768: the control image doubles the tokens.
        List<Integer> full = r.model() == ModelVariant.KONTEXT ? List.of(512, 768) : List.of(512, 768, 1024);
        List<List<Integer>> lists = new ArrayList<>();
        for (int n = full.size(); n >= 1; n--) {
            lists.add(full.subList(0, n));
        }
        return lists;
    }

    /** The fastest fitting setting for the largest resolution list that fits; else the closest miss. */
    Candidate search(PlanRequest r, MemoryBudget budget, int splitGpus) {
        Candidate closest = null;
        List<List<Integer>> lists = resolutionLists(r);
        Prediction largerResolution = null;
        List<Integer> larger = null;
        for (List<Integer> res : lists) {
            Candidate best = null;
            Prediction bf16Closest = null;
            for (boolean quantize : r.quantize() == null ? new boolean[] {false, true} : new boolean[] {r.quantize()}) {
                Candidate c = bestFor(r, res, quantize, budget, splitGpus);
                if (!quantize && !c.fits()) {
                    bf16Closest = c.prediction();
                }
                if (c.fits() && (best == null
                        || c.prediction().samplesPerSecond() > best.prediction().samplesPerSecond() / TIE)) {
                    best = c;
                }
                if (!c.fits() && (closest == null || c.prediction().memory().totalGib()
                        < closest.prediction().memory().totalGib())) {
                    closest = c;
                }
            }
            if (best != null) {
                return new Candidate(best.settings(), best.prediction(), true,
                        best.alternatives().withResolution(largerResolution, larger, bf16Closest));
            }
            largerResolution = closest == null ? null : closest.prediction();
            larger = res;
        }
        return closest;
    }

    /** Best batch and checkpointing for one resolution list and precision. */
    private Candidate bestFor(PlanRequest r, List<Integer> res, boolean quantize, MemoryBudget budget, int splitGpus) {
        Candidate[] chosen = new Candidate[2];
        Candidate[] largest = new Candidate[2];
        Candidate[] miss = new Candidate[2];
        Candidate closest = null;
        boolean[] ckpts = r.gradientCheckpointing() == null ? new boolean[] {true, false}
                : new boolean[] {r.gradientCheckpointing()};
        for (boolean ckpt : ckpts) {
            int k = ckpt ? 0 : 1;
            for (int batch : batches(r)) {
                // Start-up knobs cost no training speed: try without them, then low_vram (quantized runs only),
                // then an 8-bit T5, then both.
                TrainingSettings s = null;
                Prediction p = null;
                for (int knobs = 0; knobs < 4; knobs++) {
                    boolean lowVram = (knobs & 1) != 0;
                    boolean quantizeTe = (knobs & 2) != 0;
                    if (lowVram && !quantize) {
                        continue;
                    }
                    s = settings(r, res, quantize, ckpt, batch, lowVram, quantizeTe);
                    p = model.predict(s, budget, splitGpus);
                    if (budget.fits(p.memory())) {
                        break;
                    }
                }
                Candidate c = new Candidate(s, p, budget.fits(p.memory()), null);
                if (!c.fits()) {
                    if (closest == null || p.memory().totalGib() < closest.prediction().memory().totalGib()) {
                        closest = c;
                    }
                    miss[k] = c;
                    // Memory grows with the batch: no larger batch fits either.
                    break;
                }
                largest[k] = c;
                if (chosen[k] == null || p.samplesPerSecond() * TIE > chosen[k].prediction().samplesPerSecond()) {
                    chosen[k] = c;
                }
            }
        }
        if (chosen[0] == null && chosen[1] == null) {
            return closest;
        }
        boolean pickOff = chosen[0] == null || (chosen[1] != null
                && chosen[1].prediction().samplesPerSecond()
                >= CHECKPOINTING_OFF_GAIN * chosen[0].prediction().samplesPerSecond());
        int k = pickOff ? 1 : 0;
        Candidate other = chosen[1 - k];
        Alternatives a = new Alternatives(other == null ? null : other.prediction(),
                other == null ? 0 : other.settings().batchSize(),
                largest[k].settings().batchSize(), largest[k].prediction().samplesPerSecond(),
                miss[k] == null ? 0 : miss[k].settings().batchSize(), miss[k] == null ? null : miss[k].prediction(),
                null, null, null);
        return new Candidate(chosen[k].settings(), chosen[k].prediction(), true, a);
    }

    private static List<Integer> batches(PlanRequest r) {
        List<Integer> out = new ArrayList<>();
        if (r.batchSize() != null) {
            out.add(r.batchSize());
            return out;
        }
        int max = r.effectiveBatch() == null ? MAX_BATCH : Math.min(MAX_BATCH, r.effectiveBatch());
        if (r.datasetImages() != null) {
            max = Math.min(max, r.datasetImages());
        }
        for (int b = 1; b <= max; b++) {
            if (r.effectiveBatch() == null || r.effectiveBatch() % b == 0) {
                out.add(b);
            }
        }
        return out;
    }

    private static TrainingSettings settings(PlanRequest r, List<Integer> res, boolean quantize, boolean ckpt,
                                             int batch, boolean lowVram, boolean quantizeTe) {
        return new TrainingSettings(r.model(), r.shapeOrDefault(), batch, res,
                r.rank() == null ? PlanRequest.DEFAULT_RANK : r.rank(),
                r.optimizer() == null ? PlanRequest.DEFAULT_OPTIMIZER : r.optimizer().toLowerCase(Locale.ROOT),
                quantize, QTYPE, quantizeTe, ckpt, true, true, false, lowVram);
    }

    private TrainingPlan build(PlanRequest r, Candidate c, MemoryBudget budget, GpuLayout layout, List<String> notes) {
        TrainingSettings s = c.settings();
        Prediction p = c.prediction();
        Alternatives a = c.alternatives();
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
        choices.add(new Choice("model.quantize", s.quantize(), quantizeReason(s, a), r.quantize() != null));
        choices.add(new Choice("model.qtype", QTYPE, s.quantize()
                ? "8-bit float weights: what the measurements cover (ai-toolkit's default)"
                : "unused while quantize is false; ai-toolkit's default", false));
        choices.add(new Choice("model.quantize_te", s.quantizeTextEncoder(), quantizeTeReason(s, budget, layout),
                false));
        choices.add(new Choice("model.low_vram", s.lowVram(), lowVramReason(s, budget, layout), false));
        choices.add(new Choice("train.cache_text_embeddings", true, "each caption is encoded once, then ai-toolkit "
                + "unloads T5 and CLIP (" + gib(MemoryModel.T5_PARAMS * 2 / MemoryModel.GIB + MemoryModel.CLIP_PARAMS
                * 2 / MemoryModel.GIB) + ") for training", false));
        choices.add(new Choice("train.unload_text_encoder", false, "cache_text_embeddings already unloads them; "
                + "unload_text_encoder alone trains on the trigger word only, ignoring captions", false));
        choices.add(new Choice("datasets[*].cache_latents_to_disk", true, "each image is encoded once: no VAE encode "
                + "peak or time in the training step", false));
        choices.add(new Choice("datasets[*].resolution", s.resolutionsPx(), resolutionReason(r, s, a),
                r.resolutionsPx() != null));
        choices.add(new Choice("model.split_model_over_gpus", layout.mode() == GpuLayout.Mode.SPLIT_MODEL,
                layout.reason(), false));
        if (r.steps() != null) {
            choices.add(new Choice("train.steps", r.steps(), "as asked", true));
        }
        return new TrainingPlan(s, accumulation, layout, p, budget, true, choices, notes);
    }

    private static String batchReason(PlanRequest r, TrainingSettings s, Prediction p, Alternatives a,
                                      MemoryBudget budget) {
        String speed = Decimals.fixed(p.samplesPerSecond(), 2) + " samples/s";
        if (a == null) {
            return speed;
        }
        if (a.largestFitBatch() > s.batchSize()) {
            return speed + "; batch " + a.largestFitBatch() + " also fits but adds under 1% ("
                    + Decimals.fixed(a.largestFitSamplesPerSecond(), 2) + "), so the smaller one";
        }
        if (a.firstMiss() == null && r.datasetImages() != null && s.batchSize() == r.datasetImages()) {
            return speed + "; the dataset has " + r.datasetImages() + " images, so a larger batch would only repeat them";
        }
        if (a.firstMiss() != null) {
            return "fastest that fits: " + speed + "; batch " + a.firstMissBatch() + " would peak at "
                    + gib(a.firstMiss().memory().processPeakGib()) + " of " + gib(budget.usableGib()) + " usable";
        }
        return speed + "; the largest batch allowed";
    }

    private static String checkpointReason(TrainingSettings s, Prediction p, Alternatives a) {
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

    private String quantizeReason(TrainingSettings s, Alternatives a) {
        double bf16 = s.shape().baseParams() * model.coefficients().bf16BytesPerParam() / MemoryModel.GIB;
        if (!s.quantize()) {
            return "bf16 weights (" + gib(bf16) + ") fit: full quality, no dequantization cost";
        }
        double q = s.shape().baseParams() * model.bytesPerParam(QTYPE) / MemoryModel.GIB;
        if (a != null && a.bf16Closest() != null) {
            return "bf16 weights (" + gib(bf16) + ") peak at " + gib(a.bf16Closest().memory().processPeakGib())
                    + " (" + a.bf16Closest().peakPhase() + "); qfloat8 stores them in " + gib(q);
        }
        return "qfloat8 stores the weights in " + gib(q) + " instead of " + gib(bf16);
    }

    private String lowVramReason(TrainingSettings s, MemoryBudget budget, GpuLayout layout) {
        double bf16 = s.shape().baseParams() * model.coefficients().bf16BytesPerParam() / MemoryModel.GIB;
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
            return "an 8-bit T5 (quantized right after loading) brings the peak from " + gib(peak(bf16, budget, layout))
                    + " to " + gib(peak(s, budget, layout)) + "; captions are encoded once, then T5 is unloaded";
        }
        return "bf16 T5 fits while captions are cached (full-quality embeddings), then it is unloaded; set "
                + "explicitly because ai-toolkit defaults it to model.quantize";
    }

    private double peak(TrainingSettings s, MemoryBudget budget, GpuLayout layout) {
        int split = layout.mode() == GpuLayout.Mode.SPLIT_MODEL ? layout.gpuIndices().size() : 1;
        return model.predict(s, budget, split).memory().processPeakGib();
    }

    private static TrainingSettings copy(TrainingSettings s, boolean lowVram, boolean quantizeTe) {
        return new TrainingSettings(s.model(), s.shape(), s.batchSize(), s.resolutionsPx(), s.rank(), s.optimizer(),
                s.quantize(), s.qtype(), quantizeTe, s.gradientCheckpointing(), s.cacheLatentsToDisk(),
                s.cacheTextEmbeddings(), s.unloadTextEncoder(), lowVram);
    }

    private static String resolutionReason(PlanRequest r, TrainingSettings s, Alternatives a) {
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

    private DoesNotFitException refuse(PlanRequest r, GpuInfo gpu, MemoryBudget budget, Candidate closest, int gpus) {
        double card = gpu.totalMib() / 1024.0;
        Double smallest = null;
        for (double size : COMMON_CARDS_GIB) {
            if (size > card && search(r.withMemoryCapGib(null), MemoryBudget.forCard(size), 1).fits()) {
                smallest = size;
                break;
            }
        }
        List<String> changes = new ArrayList<>();
        if (gpu.usedMib() != null && gpu.usedMib() >= OTHER_PROCESSES_MIN_MIB
                && search(r, MemoryBudget.forCard(card), 1).fits()) {
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
                    .withMemoryCapGib(r.memoryCapGib()).withJobs(r.jobs()).withDatasetImages(r.datasetImages());
            tryChange(changes, free, true, "drop the pins " + String.join(", ", pins), budget);
        }
        if (gpus == 1 && r.model() == ModelVariant.DEV && search(r, budget, 2).fits()) {
            changes.add("add a second " + gib(card) + " GPU: model.split_model_over_gpus spreads the blocks");
        }
        if (smallest != null) {
            changes.add("use a GPU with at least " + trim(smallest) + " GB");
        }
        double peak = closest == null ? Double.NaN : closest.prediction().memory().processPeakGib();
        String phase = closest == null ? "training step" : closest.prediction().peakPhase();
        boolean pinned = !pinnedFlags(r).isEmpty();
        String what = pinned ? "the pinned plan does not fit" : "nothing fits";
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
        if (applies && search(relaxed, budget, 1).fits()) {
            changes.add(change);
        }
    }

    static String gib(double value) {
        return Decimals.fixed(value, 1) + " GiB";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String millions(long params) {
        return Decimals.fixed(params / 1e6, 1) + " M";
    }
}
