package dev.aitk.launcher.plan;

import java.util.List;

/**
 * The knobs that decide a FLUX LoRA run's GPU memory and speed: what the planner chooses and what
 * {@code validate} reads back out of a config to check the fit. {@code shape} sizes the transformer
 * (FLUX.1-dev's published shape unless a transformer/config.json says otherwise).
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
        boolean lowVram) {

    public TrainingSettings {
        resolutionsPx = List.copyOf(resolutionsPx);
    }
}
