package dev.aitk.launcher.plan;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The moments of a run whose memory can be its peak, in ai-toolkit's order (the FLUX loader quantizes the
 * transformer before it loads T5). {@link #key()} is the name in
 * {@code prediction.phases} of plan --json; {@link #description()} the words messages use.
 */
public enum Phase {
    /** Without low_vram the bf16 transformer sits on the GPU while it is quantized there. */
    QUANTIZE("quantize", "quantizing the transformer"),
    /** The transformer placed (quantized or not), then T5 moved to the GPU in bf16 before quantize_te runs. */
    LOAD("load", "loading text encoders"),
    /** The VAE and the text encoders encode each image and caption once, beside the transformer and the LoRA. */
    TEXT_ENCODER_CACHING("text_encoder_caching", "caching latents and text embeddings"),
    /** Forward and backward of one batch. */
    TRAINING_STEP("training_step", "training step");

    private final String key;
    private final String description;

    Phase(String key, String description) {
        this.key = key;
        this.description = description;
    }

    @JsonValue
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** The phase a key or a description names ("training_step", "training step"), or null. */
    public static Phase named(String name) {
        for (Phase p : values()) {
            if (p.key.equalsIgnoreCase(name) || p.description.equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }
}
