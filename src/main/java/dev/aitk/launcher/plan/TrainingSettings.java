package dev.aitk.launcher.plan;

import java.util.List;

/**
 * The knobs that decide a FLUX LoRA run's GPU memory and speed: what the planner chooses and what
 * {@code validate} reads back out of a config to check the fit. {@code shape} sizes the transformer
 * (FLUX.1-dev's published shape unless a transformer/config.json says otherwise). {@code layerOffloadingPercent}
 * is model.layer_offloading_transformer_percent (0: no layer offloading; FLUX.2 only).
 */
public record TrainingSettings(
        ModelVariant model,
        TransformerShape shape,
        int batchSize,
        List<Integer> resolutionsPx,
        int rank,
        String optimizer,
        boolean quantize,
        String qtype,
        boolean quantizeTextEncoder,
        boolean gradientCheckpointing,
        boolean cacheLatentsToDisk,
        boolean cacheTextEmbeddings,
        boolean unloadTextEncoder,
        boolean lowVram,
        double layerOffloadingPercent) {

    public TrainingSettings {
        resolutionsPx = List.copyOf(resolutionsPx);
        if (layerOffloadingPercent < 0 || layerOffloadingPercent > 1) {
            throw new IllegalArgumentException("layer offloading is a share from 0 to 1: " + layerOffloadingPercent);
        }
    }

    /** Settings without model.layer_offloading (FLUX.1's loader ignores it). */
    public TrainingSettings(ModelVariant model, TransformerShape shape, int batchSize, List<Integer> resolutionsPx,
                            int rank, String optimizer, boolean quantize, String qtype, boolean quantizeTextEncoder,
                            boolean gradientCheckpointing, boolean cacheLatentsToDisk, boolean cacheTextEmbeddings,
                            boolean unloadTextEncoder, boolean lowVram) {
        this(model, shape, batchSize, resolutionsPx, rank, optimizer, quantize, qtype, quantizeTextEncoder,
                gradientCheckpointing, cacheLatentsToDisk, cacheTextEmbeddings, unloadTextEncoder, lowVram, 0);
    }
}
