package dev.aitk.launcher.plan;

/**
 * The FLUX-family models the launcher plans for, with the Hub repository and ai-toolkit arch each one
 * uses by default. The memory model sizes each from its transformer shape, not from this list.
 */
public enum ModelVariant {
    DEV("black-forest-labs/FLUX.1-dev", "flux", "flux-dev-inpaint"),
    KONTEXT("black-forest-labs/FLUX.1-Kontext-dev", "flux_kontext", "flux-kontext-inpaint"),
    FLEX2("ostris/Flex.2-preview", "flex2", "flex2-inpaint");

    private final String repoId;
    private final String arch;
    private final String template;

    ModelVariant(String repoId, String arch, String template) {
        this.repoId = repoId;
        this.arch = arch;
        this.template = template;
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
