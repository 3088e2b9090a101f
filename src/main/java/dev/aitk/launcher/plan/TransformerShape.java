package dev.aitk.launcher.plan;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The structure of a FLUX-derived transformer, as its diffusers {@code transformer/config.json} states it
 * (FLUX.1), or as ai-toolkit's flux2 extension builds it ({@code extensions_built_in/diffusion_models/flux2/
 * src/model.py} Flux2Params, Klein4BParams, Klein9BParams: double/single blocks, hidden, heads, text context).
 * Weights and per-token activation cost scale with these numbers.
 */
public record TransformerShape(
        Family family,
        int numLayers,
        int numSingleLayers,
        int attentionHeadDim,
        int numAttentionHeads,
        int jointAttentionDim,
        int inChannels) {

    /**
     * FLUX.1: per-block modulation, MLP 4x hidden with GELU, fused attention+MLP in single blocks. FLUX.2: one
     * shared modulation per stream, gated MLP 3x hidden (its input projection is 2 x 3x wide), no biases.
     */
    public enum Family {
        FLUX1,
        FLUX2
    }

    /** A FLUX.1-family shape (what a diffusers FluxTransformer2DModel config.json describes). */
    public TransformerShape(int numLayers, int numSingleLayers, int attentionHeadDim, int numAttentionHeads,
                            int jointAttentionDim, int inChannels) {
        this(Family.FLUX1, numLayers, numSingleLayers, attentionHeadDim, numAttentionHeads, jointAttentionDim,
                inChannels);
    }

    /** Klein4BParams: 5 double, 20 single blocks, hidden 3072 (24 x 128), text context 7680 (3 x Qwen3-4B). */
    public static final TransformerShape FLUX2_KLEIN_4B = new TransformerShape(Family.FLUX2, 5, 20, 128, 24, 7680, 128);
    /** Klein9BParams: 8 double, 24 single blocks, hidden 4096 (32 x 128), text context 12288 (3 x Qwen3-8B). */
    public static final TransformerShape FLUX2_KLEIN_9B = new TransformerShape(Family.FLUX2, 8, 24, 128, 32, 12288, 128);
    /** Flux2Params (FLUX.2-dev): 8 double, 48 single blocks, hidden 6144 (48 x 128), text context 15360. */
    public static final TransformerShape FLUX2_DEV = new TransformerShape(Family.FLUX2, 8, 48, 128, 48, 15360, 128);

    /** FLUX.1-dev's published shape: 19 double blocks, 38 single blocks, hidden 3072 (24 x 128). */
    public static final TransformerShape FLUX_DEV = new TransformerShape(19, 38, 128, 24, 4096, 64);

    /** Flex.2-preview's published shape: FLUX with 8 double blocks; used when no config.json is given. */
    public static final TransformerShape FLEX2 = new TransformerShape(8, 38, 128, 24, 4096, 64);

    /** FLUX's MLP is 4x the hidden size; CLIP's pooled projection is 768 wide; time embedding 256. */
    private static final int MLP_RATIO = 4;
    private static final int POOLED_DIM = 768;
    private static final int TIME_DIM = 256;
    private static final int OUT_CHANNELS = 64;

    public TransformerShape {
        family = family == null ? Family.FLUX1 : family;
        if (numLayers < 0 || numSingleLayers < 0 || numLayers + numSingleLayers == 0 || attentionHeadDim <= 0
                || numAttentionHeads <= 0 || jointAttentionDim <= 0 || inChannels <= 0) {
            throw new IllegalArgumentException("not a FLUX transformer shape: " + numLayers + " double, "
                    + numSingleLayers + " single blocks, heads " + numAttentionHeads + " x " + attentionHeadDim);
        }
    }

    public int hiddenSize() {
        return attentionHeadDim * numAttentionHeads;
    }

    /** The shape ai-toolkit loads for a variant when no transformer/config.json is at hand. */
    public static TransformerShape defaultFor(ModelVariant variant) {
        return switch (variant) {
            case FLEX2 -> FLEX2;
            case FLUX2_KLEIN_4B -> FLUX2_KLEIN_4B;
            case FLUX2_KLEIN_9B -> FLUX2_KLEIN_9B;
            case FLUX2_DEV -> FLUX2_DEV;
            default -> FLUX_DEV;
        };
    }

    /**
     * Reads a diffusers {@code transformer/config.json} (FluxTransformer2DModel keys). A missing or non-numeric
     * key is an input error naming the file and the key.
     */
    public static TransformerShape fromConfigJson(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot read the transformer config " + file
                    + " (" + e.getMessage() + "); pass the transformer/config.json of the model you train");
        }
        Map<String, Object> json;
        try {
            json = FlatJson.parse(text, true);
        } catch (IllegalArgumentException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " is not a JSON object (" + e.getMessage()
                    + "); pass the transformer/config.json of the model you train");
        }
        try {
            return new TransformerShape(
                    intKey(json, "num_layers", file, null),
                    intKey(json, "num_single_layers", file, null),
                    intKey(json, "attention_head_dim", file, null),
                    intKey(json, "num_attention_heads", file, null),
                    intKey(json, "joint_attention_dim", file, 4096),
                    intKey(json, "in_channels", file, 64));
        } catch (IllegalArgumentException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " does not describe a FLUX transformer ("
                    + e.getMessage() + "); pass the transformer/config.json of a FLUX-derived model");
        }
    }

    private static int intKey(Map<String, Object> json, String key, Path file, Integer fallback) {
        Object value = json.get(key);
        if (value == null && fallback != null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " has no whole-number \"" + key
                    + "\"; pass the transformer/config.json of a FLUX-derived model (FluxTransformer2DModel)");
        }
        return n.intValue();
    }

    /** Input+output width of every Linear in one double block (image and text streams). */
    private long doubleBlockLinearWidths() {
        long h = hiddenSize();
        long mlp = MLP_RATIO * h;
        // norm1 and norm1_context (h -> 6h), q/k/v and add_q/k/v, to_out and to_add_out (h -> h),
        // ff and ff_context (h -> 4h -> h).
        return 2 * (h + 6 * h) + 8 * (h + h) + 2 * ((h + mlp) + (mlp + h));
    }

    /** Input+output width of every Linear in one single block. */
    private long singleBlockLinearWidths() {
        long h = hiddenSize();
        long mlp = MLP_RATIO * h;
        // norm (h -> 3h), proj_mlp (h -> 4h), q/k/v (h -> h), proj_out (h + 4h -> h).
        return (h + 3 * h) + (h + mlp) + 3 * (h + h) + (h + mlp + h);
    }

    /**
     * LoRA parameters of rank {@code rank} on every Linear of the double and single blocks (for FLUX.2 what
     * ai-toolkit targets with transformer_only: the block Linears, not the shared modulation or embedders).
     */
    public long loraParams(int rank) {
        if (family == Family.FLUX2) {
            long h = hiddenSize();
            // Per stream: qkv h->3h, proj h->h, mlp in h->6h, mlp out 3h->h; single: linear1 h->9h, linear2 4h->h.
            return (long) rank * (numLayers * 2 * (4 * h + 2 * h + 7 * h + 4 * h) + numSingleLayers * (10 * h + 5 * h));
        }
        return (long) rank * (numLayers * doubleBlockLinearWidths() + numSingleLayers * singleBlockLinearWidths());
    }

    /** Frozen parameters of the double and single blocks (weights and biases, q/k RMS norms). */
    public long blockParams() {
        long h = hiddenSize();
        if (family == Family.FLUX2) {
            // Double: 2 streams x 13 h^2 (qkv 3, proj 1, gated MLP in 6, out 3); single: 9 h^2 + 4 h^2.
            return numLayers * (26 * h * h + 8L * attentionHeadDim) + numSingleLayers * (13 * h * h + 4L * attentionHeadDim);
        }
        long mlp = MLP_RATIO * h;
        long dbl = 2 * (h * 6 * h + 6 * h) + 8 * (h * h + h) + 2 * ((h * mlp + mlp) + (mlp * h + h))
                + 4L * attentionHeadDim;
        long sgl = (h * 3 * h + 3 * h) + (h * mlp + mlp) + 3 * (h * h + h) + ((h + mlp) * h + h)
                + 2L * attentionHeadDim;
        return numLayers * dbl + numSingleLayers * sgl;
    }

    /** All frozen transformer parameters: blocks plus embedders and the output projection. */
    public long baseParams() {
        long h = hiddenSize();
        if (family == Family.FLUX2) {
            // Shared modulations (double img 6h, txt 6h, single 3h), image/text/time/guidance embedders, final layer.
            long modulation = 15 * h * h;
            long embedders = inChannels * h + (long) jointAttentionDim * h + 2 * (256 * h + h * h) + 2 * h * h
                    + h * inChannels;
            return blockParams() + modulation + embedders;
        }
        long embedders = (inChannels * h + h) + (jointAttentionDim * h + h)
                + 2 * ((TIME_DIM * h + h) + (h * h + h))      // timestep and guidance embedders
                + (POOLED_DIM * h + h) + (h * h + h)           // pooled text embedder
                + (h * 2 * h + 2 * h) + (h * OUT_CHANNELS + OUT_CHANNELS);
        return blockParams() + embedders;
    }

    /** Per-token work of all blocks relative to FLUX.1-dev: activations and matmul FLOPs scale with it. */
    public double blockScale() {
        return (double) blockParams() / FLUX_DEV.blockParams();
    }

    /** Per-token activation bytes relative to FLUX.1-dev: blocks x hidden width. */
    public double activationScale() {
        return (double) (numLayers + numSingleLayers) * hiddenSize()
                / ((FLUX_DEV.numLayers + FLUX_DEV.numSingleLayers) * (double) FLUX_DEV.hiddenSize());
    }
}
