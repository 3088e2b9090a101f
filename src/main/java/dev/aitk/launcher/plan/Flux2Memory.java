package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The phases of a FLUX.2 run and their GPU memory, as ai-toolkit's flux2 extension goes through them
 * (extensions_built_in/diffusion_models/flux2/flux2_model.py load_model, flux2_klein_model.py load_te):
 * the transformer is read on the CPU and, with quantize, quantized block by block (each block visits the GPU
 * alone, so no whole-model quantize peak); without low_vram it then sits on the GPU while the text encoder
 * loads. Mistral (FLUX.2-dev) goes to the GPU in bf16 before quantize_te shrinks it; Qwen3 (klein) is quantized
 * on the CPU and only then moved. {@code model.layer_offloading} keeps that share of the transformer's
 * blocks in CPU memory and streams each to the GPU when it runs (toolkit/memory_management MemoryManager).
 * The training step's activations come from {@link Flux2Fit}; text encoders and loading are estimated from
 * parameter counts, not measured.
 */
final class Flux2Memory {
    /** Host-to-GPU copy speed assumed for offloaded blocks: PCIe 4.0 x16 with pinned memory moves about 20 GiB/s. */
    static final double OFFLOAD_GIB_PER_SECOND = 20.0;

    private Flux2Memory() {
    }

    static List<PhasePeak> phases(MemoryModel model, Flux2Fit.Coefficients f, TrainingSettings s,
                                  TransformerShape shape, MemoryBudget budget) {
        ModelVariant.TextEncoder te = s.model().textEncoder();
        double bytesPerParam = model.residentBytesPerParam(s);
        double weightsAll = shape.baseParams() * bytesPerParam / MemoryModel.GIB;
        double weights = weightsAll * (1 - s.layerOffloadingPercent()) + (s.layerOffloadingPercent() > 0
                ? largestBlockGib(shape, bytesPerParam) : 0);
        double loraBytes = model.coefficients().loraBytesPerParam() - Optimizers.MEASURED_STATE_BYTES
                + Optimizers.stateBytes(s.optimizer());
        double lora = shape.loraParams(s.rank()) * loraBytes / MemoryModel.GIB;
        int maxRes = 0;
        for (int res : s.resolutionsPx()) {
            maxRes = Math.max(maxRes, res);
        }
        double batchTokens = (double) s.batchSize() * MemoryModel.tokens(s.model(), maxRes);
        double activations = f.workspaceGib() + Flux2Fit.FRAGMENTATION
                * Flux2Fit.activationsGib(f, shape, batchTokens, s.gradientCheckpointing())
                + (s.quantize() ? f.dequantGib() : 0);
        double teFinal = s.quantizeTextEncoder() ? te.params() * model.bytesPerParam(s.qtype()) / MemoryModel.GIB
                : te.bf16Gib();
        double vae = MemoryModel.VAE_PARAMS * MemoryModel.BF16_BYTES / MemoryModel.GIB;
        double encode = model.coefficients().vaeEncodeGibPerMegapixel() * maxRes * (double) maxRes / 1e6;
        double transformerWhileLoading = s.lowVram() ? 0 : weights;
        double teWhileLoading = te.bf16OnGpuBeforeQuantizing() ? te.bf16Gib() : s.lowVram() ? 0 : teFinal;
        double ctx = budget.cudaContextGib();
        double margin = budget.marginGib();
        List<PhasePeak> phases = new ArrayList<>();
        phases.add(PhasePeak.of(Phase.TRAINING_STEP, MemoryBreakdown.of(weights, lora, activations,
                s.cacheTextEmbeddings() || s.unloadTextEncoder() ? 0 : teFinal, vae, ctx, margin)));
        phases.add(PhasePeak.of(Phase.LOAD, MemoryBreakdown.of(transformerWhileLoading, 0, f.workspaceGib(),
                teWhileLoading, 0, ctx, margin)));
        phases.add(PhasePeak.of(Phase.TEXT_ENCODER_CACHING, MemoryBreakdown.of(transformerWhileLoading,
                shape.loraParams(s.rank()) * MemoryModel.LORA_WEIGHT_BYTES / MemoryModel.GIB, f.workspaceGib(), teFinal,
                vae + encode, ctx, margin)));
        return phases;
    }

    /** Seconds of one step at one resolution, plus streaming the offloaded blocks in each pass over them. */
    static double stepSeconds(Flux2Fit.Coefficients f, TrainingSettings s, TransformerShape shape, int res,
                              double bytesPerParam) {
        double step = Flux2Fit.stepSeconds(f, shape, s.batchSize(), MemoryModel.tokens(s.model(), res), s.quantize(),
                s.gradientCheckpointing());
        return step + offloadSeconds(s, shape, bytesPerParam);
    }

    /** Forward, recompute (with checkpointing) and backward each stream the offloaded blocks once. */
    static double offloadSeconds(TrainingSettings s, TransformerShape shape, double bytesPerParam) {
        double offloaded = shape.blockParams() * bytesPerParam * s.layerOffloadingPercent() / MemoryModel.GIB;
        return offloaded * (s.gradientCheckpointing() ? 3 : 2) / OFFLOAD_GIB_PER_SECOND;
    }

    private static double largestBlockGib(TransformerShape shape, double bytesPerParam) {
        long h = shape.hiddenSize();
        return 26.0 * h * h * bytesPerParam / MemoryModel.GIB;
    }
}
