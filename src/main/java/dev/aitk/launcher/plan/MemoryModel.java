package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Predicts peak GPU memory and step time from a run's structure, fitted to the measured H100 data shipped
 * in the jar (flux-lora-vram-h100.jsonl; {@link MeasuredFit} fits it, {@link StepTime} times a step). Same
 * input, same prediction.
 *
 * <p>Memory (PyTorch's reserved peak, what the card must hold): resident transformer weights from the
 * parameter count x bytes/param, the LoRA with its optimizer state and gradients, workspaces, activations
 * linear in batch x (image tokens + 512 text tokens); text encoders and VAE from their parameter counts. The
 * predicted peak is the largest of the run's phases, in ai-toolkit's order: quantizing the transformer on the
 * GPU (without low_vram), loading T5 in bf16, caching latents and text embeddings, the training step.
 */
public final class MemoryModel {
    static final int TEXT_TOKENS = 512;
    static final double GIB = 1024.0 * 1024 * 1024;

    /** T5-XXL, CLIP-L and the FLUX VAE (docs/memory-model.md): resident in bf16 unless cached/unloaded. */
    static final double T5_PARAMS = 4.76e9;
    static final double CLIP_PARAMS = 123e6;
    static final double VAE_PARAMS = 84e6;
    static final double BF16_BYTES = 2.0;
    /** fp32 LoRA weights, what ai-toolkit trains. */
    static final double LORA_WEIGHT_BYTES = 4.0;
    /** Splitting the blocks over GPUs runs them one after another, plus two device transfers (not measured). */
    static final double SPLIT_SLOWDOWN = 1.10;
    /** ai-toolkit's FLUX splitter counts text encoders + VAE + embedders as 2.5e9 parameters on GPU 0. */
    static final double SPLIT_OTHER_PARAMS = 2.5e9;

    private static final MemoryModel STANDARD = fit(MeasuredRow.shipped(), MeasuredRow.shippedFlux2());

    private final Coefficients c;
    private final Flux2Fit.Coefficients flux2;

    private MemoryModel(Coefficients c, Flux2Fit.Coefficients flux2) {
        this.c = c;
        this.flux2 = flux2;
    }

    /** The model fitted to the shipped measurements. */
    public static MemoryModel standard() {
        return STANDARD;
    }

    Coefficients coefficients() {
        return c;
    }

    /** Fits the model to measured rows (closed-form least squares; a few microseconds). */
    public static MemoryModel fit(List<MeasuredRow> rows) {
        return fit(rows, MeasuredRow.shippedFlux2());
    }

    /** Fits FLUX.1 to {@code rows} and the FLUX.2 transformer to {@code flux2Rows}. */
    static MemoryModel fit(List<MeasuredRow> rows, List<MeasuredRow> flux2Rows) {
        Coefficients c = MeasuredFit.fit(rows);
        return new MemoryModel(c, Flux2Fit.fit(flux2Rows, c.loraBytesPerParam()));
    }

    Flux2Fit.Coefficients flux2Coefficients() {
        return flux2;
    }

    /** The transformer's resident weights, GiB, in bf16 or in the run's qtype (qfloat8 if it is not quantized). */
    double weightsGib(TrainingSettings s, boolean quantized) {
        TransformerShape shape = s.shape() == null ? TransformerShape.defaultFor(s.model()) : s.shape();
        return shape.baseParams() * weightBytesPerParam(shape, quantized, s.quantize() ? s.qtype() : SettingsSearch.QTYPE)
                / GIB;
    }

    /** Weight bytes per parameter in the run's precision. */
    double residentBytesPerParam(TrainingSettings s) {
        TransformerShape shape = s.shape() == null ? TransformerShape.defaultFor(s.model()) : s.shape();
        return weightBytesPerParam(shape, s.quantize(), s.qtype());
    }

    /**
     * Bytes per parameter of the whole transformer (what its family's rows measured: bf16, or 8-bit with the
     * parts ai-toolkit leaves unquantized), shifted by what the qtype stores per weight against 8 bits.
     */
    private double weightBytesPerParam(TransformerShape shape, boolean quantized, String qtype) {
        boolean flux2Family = shape.family() == TransformerShape.Family.FLUX2;
        if (!quantized) {
            return flux2Family ? flux2.bf16BytesPerParam() : c.bf16BytesPerParam();
        }
        double eightBit = flux2Family ? flux2.fp8BytesPerParam() : c.int8BytesPerParam();
        return eightBit + QuantType.bytesPerWeight(qtype) - QuantType.MEASURED_BYTES_PER_WEIGHT;
    }

    /** Prediction on one GPU with the standard CUDA context and no safety margin. */
    public Prediction predict(TrainingSettings settings) {
        return predict(settings, new MemoryBudget(0, MemoryBudget.CUDA_CONTEXT_GIB, 0, 0), 1);
    }

    /** Prediction with the budget's context and margin in the breakdown. */
    public Prediction predict(TrainingSettings settings, MemoryBudget budget) {
        return predict(settings, budget, 1);
    }

    /**
     * Prediction for one process; {@code splitGpus} > 1 spreads the transformer blocks over that many GPUs
     * as {@code model.split_model_over_gpus} does, and the breakdown is the fullest GPU's.
     */
    public Prediction predict(TrainingSettings s, MemoryBudget budget, int splitGpus) {
        TransformerShape shape = s.shape() == null ? TransformerShape.defaultFor(s.model()) : s.shape();
        if (s.batchSize() < 1 || s.resolutionsPx().isEmpty() || s.rank() < 1) {
            throw new IllegalArgumentException("batch size, rank and at least one resolution are needed: " + s);
        }
        List<PhasePeak> perGpu = phases(s, budget, splitGpus);
        List<PhasePeak> phases = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            PhasePeak fullest = null;
            for (PhasePeak p : perGpu) {
                if (p.phase() == phase && (fullest == null || p.memory().totalGib() > fullest.memory().totalGib())) {
                    fullest = p;
                }
            }
            if (fullest != null) {
                phases.add(PhasePeak.of(phase, rounded(fullest.memory())));
            }
        }
        // The first phase in the run's order wins a tie, as ai-toolkit reaches it first.
        PhasePeak peak = perGpu.get(0);
        for (PhasePeak p : perGpu) {
            if (p.memory().totalGib() > peak.memory().totalGib() + 1e-12) {
                peak = p;
            }
        }
        double step = 0;
        for (int res : s.resolutionsPx()) {
            step += shape.family() == TransformerShape.Family.FLUX2
                    ? Flux2Memory.stepSeconds(flux2, s, shape, res, residentBytesPerParam(s))
                    : StepTime.seconds(c, s, shape, res);
        }
        step = step / s.resolutionsPx().size() * (splitGpus > 1 ? SPLIT_SLOWDOWN : 1);
        return new Prediction(rounded(peak.memory()), Decimals.round(step, 4), Decimals.round(s.batchSize() / step, 4),
                peak.phase().description(), phases);
    }

    private static MemoryBreakdown rounded(MemoryBreakdown m) {
        return MemoryBreakdown.of(Decimals.round(m.transformerWeightsGib(), 3),
                Decimals.round(m.loraAndOptimizerGib(), 3), Decimals.round(m.activationsGib(), 3),
                Decimals.round(m.textEncodersGib(), 3), Decimals.round(m.vaeGib(), 3), m.cudaContextGib(),
                m.marginGib());
    }

    /**
     * Every phase whose peak could be the run's, on each GPU (GPU 0 first; with the blocks split, one more
     * entry per phase for the other GPUs): the training step, loading the encoders, caching, quantizing.
     */
    List<PhasePeak> phases(TrainingSettings s, MemoryBudget budget, int splitGpus) {
        TransformerShape shape = s.shape() == null ? TransformerShape.defaultFor(s.model()) : s.shape();
        if (shape.family() == TransformerShape.Family.FLUX2) {
            return Flux2Memory.phases(this, flux2, s, shape, budget);
        }
        int maxRes = 0;
        for (int res : s.resolutionsPx()) {
            maxRes = Math.max(maxRes, res);
        }
        double params = shape.baseParams();
        double lora = shape.loraParams(s.rank());
        double bpp = s.quantize() ? bytesPerParam(s.qtype()) : c.bf16BytesPerParam();
        double weights = params * bpp / GIB;
        double bf16Weights = params * c.bf16BytesPerParam() / GIB;
        double kTok = s.batchSize() * tokens(s.model(), maxRes) / 1000.0 * shape.activationScale();
        double blockActivations = (s.gradientCheckpointing() ? c.ckptGibPerKiloToken() : c.noCkptGibPerKiloToken())
                * kTok + (s.quantize() ? c.dequantGib() * shape.blockScale() : 0);
        double loraBytes = c.loraBytesPerParam() - Optimizers.MEASURED_STATE_BYTES + Optimizers.stateBytes(s.optimizer());
        double loraGib = lora * loraBytes / GIB;
        double t5 = T5_PARAMS * BF16_BYTES / GIB;
        double clip = CLIP_PARAMS * BF16_BYTES / GIB;
        boolean encodersGone = s.cacheTextEmbeddings() || s.unloadTextEncoder();
        double trainEncoders = encodersGone ? 0
                : (s.quantizeTextEncoder() ? T5_PARAMS * c.int8BytesPerParam() / GIB : t5) + clip;
        double vaeResident = VAE_PARAMS * BF16_BYTES / GIB;
        // Without caching, Kontext encodes the control image with each training image.
        double imagesPerSample = s.model() == ModelVariant.KONTEXT ? 2 : 1;
        double encodeImage = c.vaeEncodeGibPerMegapixel() * maxRes * (double) maxRes / 1e6;
        double trainVae = vaeResident + (s.cacheLatentsToDisk() ? 0 : encodeImage * imagesPerSample * s.batchSize());

        double f0 = 1;
        double fOther = 0;
        if (splitGpus > 1) {
            double other = SPLIT_OTHER_PARAMS / params;
            f0 = Math.max(0, (1 + other) / splitGpus - other);
            fOther = (1 - f0) / (splitGpus - 1);
        }
        double ctx = budget.cudaContextGib();
        double margin = budget.marginGib();
        List<PhasePeak> phases = new ArrayList<>();
        double[] shares = splitGpus > 1 ? new double[] {f0, fOther} : new double[] {1};
        for (int gpu = 0; gpu < shares.length; gpu++) {
            double f = shares[gpu];
            // Text encoders, VAE and embedders stay on GPU 0 when the blocks are split.
            double here = gpu == 0 ? 1 : 0;
            phases.add(PhasePeak.of(Phase.TRAINING_STEP, MemoryBreakdown.of(weights * f, loraGib * f,
                    c.workspaceGib() + blockActivations * f, trainEncoders * here, trainVae * here, ctx, margin)));
            // ai-toolkit's FLUX loader (stable_diffusion_model.py, load_model) moves T5 to the GPU in bf16 and only
            // then quantizes it (quantize_te), next to the already placed transformer.
            phases.add(PhasePeak.of(Phase.LOAD, MemoryBreakdown.of(weights * f, 0, c.workspaceGib(),
                    t5 * here, 0, ctx, margin)));
            // Caching latents and embeddings runs the VAE and the encoders beside the transformer and the LoRA,
            // one image at a time.
            double residentEncoders = (s.quantizeTextEncoder() ? T5_PARAMS * c.int8BytesPerParam() / GIB : t5) + clip;
            phases.add(PhasePeak.of(Phase.TEXT_ENCODER_CACHING, MemoryBreakdown.of(weights * f,
                    lora * LORA_WEIGHT_BYTES / GIB * f, c.workspaceGib(), residentEncoders * here,
                    (vaeResident + (s.cacheLatentsToDisk() ? encodeImage : 0)) * here, ctx, margin)));
            if (s.quantize() && !s.lowVram()) {
                // Without low_vram the bf16 transformer goes to the GPU first and is quantized there.
                phases.add(PhasePeak.of(Phase.QUANTIZE, MemoryBreakdown.of(bf16Weights * f, 0,
                        c.workspaceGib(), 0, 0, ctx, margin)));
            }
        }
        return phases;
    }

    /**
     * Tokens per sample: image tokens, the same again per reference image (Kontext's control image, the FLUX.2
     * templates' masked image), and 512 text tokens (T5 and FLUX.2's encoders pad to max_sequence_length 512).
     */
    static int tokens(ModelVariant model, int res) {
        int side = res / 16;
        return side * side * (1 + model.referenceImages()) + TEXT_TOKENS;
    }

    /**
     * Bytes per parameter of a FLUX.1-sized model in a quantization type: the measured 8-bit rows, shifted by
     * what the type stores per weight against 8 bits ({@link QuantType}: uint3 packs like uint4, uint5..7
     * like 8 bits).
     */
    double bytesPerParam(String qtype) {
        return c.int8BytesPerParam() + QuantType.bytesPerWeight(qtype) - QuantType.MEASURED_BYTES_PER_WEIGHT;
    }
}
