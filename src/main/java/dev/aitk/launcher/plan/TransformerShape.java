package dev.aitk.launcher.plan;

/**
 * The structure of a FLUX-derived transformer, as its diffusers {@code transformer/config.json} states it.
 * Weights and per-token activation cost scale with these numbers.
 */
public record TransformerShape(
        int numLayers,
        int numSingleLayers,
        int attentionHeadDim,
        int numAttentionHeads,
        int jointAttentionDim,
        int inChannels) {

    /** FLUX.1-dev's published shape: 19 double blocks, 38 single blocks, hidden 3072 (24 x 128). */
    public static final TransformerShape FLUX_DEV = new TransformerShape(19, 38, 128, 24, 4096, 64);

    public int hiddenSize() {
        return attentionHeadDim * numAttentionHeads;
    }
}
