package dev.aitk.launcher.plan;

/**
 * The FLUX-family models the launcher plans for, with the Hub repository and ai-toolkit arch each one
 * uses by default, and the facts of ai-toolkit's model class the plan depends on. The memory model sizes
 * each from its transformer shape, not from this list.
 */
public enum ModelVariant {
    // toolkit/stable_diffusion_model.py: FLUX.1 buckets snap to 8 (VAE) x 2 (packing) x 2 = 32 px.
    DEV("black-forest-labs/FLUX.1-dev", "flux", "flux-dev-inpaint", 32, null),
    // flux_kontext.py get_bucket_divisibility: 16. Its get_te_has_grad reads text_encoder[1].encoder..., which
    // the FakeTextEncoder that cache_text_embeddings swaps in (toolkit/unloader.py) lacks, and
    // BaseModel.save_device_state calls it before every sample.
    KONTEXT("black-forest-labs/FLUX.1-Kontext-dev", "flux_kontext", "flux-kontext-inpaint", 16,
            "ai-toolkit cannot sample Kontext with cached text embeddings: cache_text_embeddings swaps T5 for a "
            + "placeholder (toolkit/unloader.py FakeTextEncoder) and flux_kontext.py get_te_has_grad then reads "
            + "text_encoder[1].encoder, which the placeholder lacks, at the first sample"),
    // extensions_built_in/flex2/flex2.py: the same get_te_has_grad, and buckets of 16.
    FLEX2("ostris/Flex.2-preview", "flex2", "flex2-inpaint", 16,
            "ai-toolkit cannot sample Flex.2 with cached text embeddings: cache_text_embeddings swaps T5 for a "
            + "placeholder (toolkit/unloader.py FakeTextEncoder) and flex2.py get_te_has_grad then reads "
            + "text_encoder[1].encoder, which the placeholder lacks, at the first sample");

    private final String repoId;
    private final String arch;
    private final String template;
    private final int bucketDivisibility;
    private final String noTextEmbeddingCache;

    ModelVariant(String repoId, String arch, String template, int bucketDivisibility, String noTextEmbeddingCache) {
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
        return n.contains("flux") ? DEV : null;
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
