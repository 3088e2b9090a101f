package dev.aitk.launcher.plan;

/**
 * The FLUX-family models the launcher plans for, with the Hub repository and ai-toolkit arch each one
 * uses by default, and the facts of ai-toolkit's model class the plan depends on. The memory model sizes
 * each from its transformer shape, not from this list.
 */
public enum ModelVariant {
    // toolkit/stable_diffusion_model.py: FLUX.1 buckets snap to 8 (VAE) x 2 (packing) x 2 = 32 px.
    DEV("black-forest-labs/FLUX.1-dev", "flux", "flux-dev-inpaint", 32, TextEncoder.T5_CLIP, null),
    // flux_kontext.py get_bucket_divisibility: 16. Its get_te_has_grad reads text_encoder[1].encoder..., which
    // the FakeTextEncoder that cache_text_embeddings swaps in (toolkit/unloader.py) lacks, and
    // BaseModel.save_device_state calls it before every sample.
    KONTEXT("black-forest-labs/FLUX.1-Kontext-dev", "flux_kontext", "flux-kontext-inpaint", 16, TextEncoder.T5_CLIP,
            "ai-toolkit cannot sample Kontext with cached text embeddings: cache_text_embeddings swaps T5 for a "
            + "placeholder (toolkit/unloader.py FakeTextEncoder) and flux_kontext.py get_te_has_grad then reads "
            + "text_encoder[1].encoder, which the placeholder lacks, at the first sample"),
    // extensions_built_in/flex2/flex2.py: the same get_te_has_grad, and buckets of 16.
    FLEX2("ostris/Flex.2-preview", "flex2", "flex2-inpaint", 16, TextEncoder.T5_CLIP,
            "ai-toolkit cannot sample Flex.2 with cached text embeddings: cache_text_embeddings swaps T5 for a "
            + "placeholder (toolkit/unloader.py FakeTextEncoder) and flex2.py get_te_has_grad then reads "
            + "text_encoder[1].encoder, which the placeholder lacks, at the first sample"),
    // extensions_built_in/diffusion_models/flux2/: flux2_klein_model.py (Qwen3 text encoders from their own
    // repositories), flux2_model.py (Mistral); get_bucket_divisibility 16; get_te_has_grad returns False, so
    // sampling works with cached text embeddings.
    FLUX2_KLEIN_4B("black-forest-labs/FLUX.2-klein-base-4B", "flux2_klein_4b", "flux2-klein-4b-inpaint", 16,
            TextEncoder.QWEN3_4B, null),
    FLUX2_KLEIN_9B("black-forest-labs/FLUX.2-klein-base-9B", "flux2_klein_9b", "flux2-klein-9b-inpaint", 16,
            TextEncoder.QWEN3_8B, null),
    FLUX2_DEV("black-forest-labs/FLUX.2-dev", "flux2", "flux2-dev-inpaint", 16, TextEncoder.MISTRAL_SMALL, null);

    /**
     * A model's text encoder as ai-toolkit loads it: its repository (null: inside the model's own), its
     * parameter count (bf16 bytes = 2 x params) and whether the FLUX.2 loader puts it on the GPU in bf16 before
     * quantizing it (flux2_model.py load_te does for Mistral; flux2_klein_model.py quantizes Qwen3 on the CPU).
     */
    public record TextEncoder(String name, String repoId, double params, boolean bf16OnGpuBeforeQuantizing) {
        /** T5-XXL 4.76 B and CLIP-L 123 M, both in the FLUX.1 repository. */
        static final TextEncoder T5_CLIP = new TextEncoder("T5-XXL + CLIP-L", null, 4.76e9 + 123e6, true);
        static final TextEncoder QWEN3_4B = new TextEncoder("Qwen3-4B", "Qwen/Qwen3-4B", 4.02e9, false);
        static final TextEncoder QWEN3_8B = new TextEncoder("Qwen3-8B", "Qwen/Qwen3-8B", 8.19e9, false);
        static final TextEncoder MISTRAL_SMALL = new TextEncoder("Mistral-Small-3.1-24B",
                "mistralai/Mistral-Small-3.1-24B-Instruct-2503", 24.0e9, true);

        public double bf16Gib() {
            return params * MemoryModel.BF16_BYTES / MemoryModel.GIB;
        }
    }

    private final String repoId;
    private final String arch;
    private final String template;
    private final int bucketDivisibility;
    private final String noTextEmbeddingCache;
    private final TextEncoder textEncoder;

    ModelVariant(String repoId, String arch, String template, int bucketDivisibility, TextEncoder textEncoder,
                 String noTextEmbeddingCache) {
        this.textEncoder = textEncoder;
        this.repoId = repoId;
        this.arch = arch;
        this.template = template;
        this.bucketDivisibility = bucketDivisibility;
        this.noTextEmbeddingCache = noTextEmbeddingCache;
    }

    /**
     * The variant an ai-toolkit {@code model.arch} trains (flux, flux_kontext, flex2), or, without an arch, the
     * one {@code name_or_path} names (a Kontext or Flex.2 repository, else any FLUX); null when neither says.
     */
    public static ModelVariant fromArch(String arch, String nameOrPath) {
        if (arch != null && !arch.isBlank()) {
            for (ModelVariant v : values()) {
                if (v.arch.equalsIgnoreCase(arch.strip())) {
                    return v;
                }
            }
            return null;
        }
        if (nameOrPath == null) {
            return null;
        }
        String n = nameOrPath.toLowerCase(java.util.Locale.ROOT);
        if (n.contains("kontext")) {
            return KONTEXT;
        }
        if (n.contains("flex.2") || n.contains("flex2")) {
            return FLEX2;
        }
        if (n.contains("flux.2") || n.contains("flux2")) {
            return n.contains("klein") && n.contains("4b") ? FLUX2_KLEIN_4B
                    : n.contains("klein") && n.contains("9b") ? FLUX2_KLEIN_9B : n.contains("klein") ? null : FLUX2_DEV;
        }
        return n.contains("flux") ? DEV : null;
    }

    /** The text encoder ai-toolkit loads for this model. */
    public TextEncoder textEncoder() {
        return textEncoder;
    }

    /** A FLUX.2 model (ai-toolkit's flux2 extension), rather than FLUX.1 and its derivatives. */
    public boolean isFlux2() {
        return this == FLUX2_KLEIN_4B || this == FLUX2_KLEIN_9B || this == FLUX2_DEV;
    }

    /**
     * Reference images concatenated to each sample's tokens: Kontext's control image, and the masked image the
     * FLUX.2 templates give as the one multi_control_paths reference (flux2_model.py concatenates its tokens).
     */
    public int referenceImages() {
        return this == KONTEXT || isFlux2() ? 1 : 0;
    }

    /** The spelling on the command line: dev, kontext, flex2, flux2-klein-4b, flux2-klein-9b, flux2-dev. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The variant a --model value names (its cliName or enum name, any case), or an error listing them. */
    public static ModelVariant parse(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        for (ModelVariant m : values()) {
            if (m.cliName().equals(v)) {
                return m;
            }
        }
        StringBuilder names = new StringBuilder();
        for (ModelVariant m : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(m.cliName());
        }
        throw new IllegalArgumentException("'" + value + "' is not a model; use one of " + names);
    }

    /** The pixel multiple ai-toolkit snaps this model's buckets to (its get_bucket_divisibility). */
    public int bucketDivisibility() {
        return bucketDivisibility;
    }

    /** Whether ai-toolkit can still render samples after cache_text_embeddings has unloaded the text encoders. */
    public boolean samplesWithCachedTextEmbeddings() {
        return noTextEmbeddingCache == null;
    }

    /** Why text embeddings are not cached for this model (null when they are), citing ai-toolkit's code. */
    public String noTextEmbeddingCacheReason() {
        return noTextEmbeddingCache;
    }

    /** The Hugging Face repository ai-toolkit loads by default for this variant. */
    public String repoId() {
        return repoId;
    }

    /** ai-toolkit's {@code model.arch} value. */
    public String arch() {
        return arch;
    }

    /** The shipped template in config-templates/ (without .yaml). */
    public String template() {
        return template;
    }
}
