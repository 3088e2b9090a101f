package dev.aitk.launcher.validate;

import dev.aitk.launcher.plan.ModelVariant;
import java.util.Locale;

/**
 * What a process's {@code model} section means to ai-toolkit: the arch it resolves to and whether it counts
 * as FLUX. Mirrors ModelConfig.__init__ (toolkit/config_modules.py): a ':tag' suffix on arch is dropped,
 * {@code flex1} becomes {@code flux}, {@code arch: flux} sets is_flux, and with no arch the is_* flags pick
 * one, falling back to {@code sd1}.
 */
record ModelFacts(String arch, boolean archGiven, boolean isFlux, String nameOrPath) {

    static ModelFacts of(ConfigNode model) {
        String arch = model.get("arch").map(ConfigNode::string).orElse(null);
        boolean given = arch != null;
        if (arch != null && arch.contains(":")) {
            arch = arch.substring(0, arch.indexOf(':'));
        }
        if ("flex1".equals(arch)) {
            arch = "flux";
        }
        boolean isFlux = Boolean.TRUE.equals(model.get("is_flux").map(ConfigNode::bool).orElse(null));
        if ("flux".equals(arch)) {
            isFlux = true;
        }
        if (arch == null) {
            arch = isFlux ? "flux" : "sd1";
        }
        return new ModelFacts(arch, given, isFlux, model.get("name_or_path").map(ConfigNode::string).orElse(null));
    }

    /** The variant the planner sizes for this arch (ModelVariant.arch()), or null when it sizes none. */
    ModelVariant variant() {
        for (ModelVariant v : ModelVariant.values()) {
            if (v.arch().equals(arch)) {
                return v;
            }
        }
        return null;
    }

    /** The arch the model's name suggests (FLUX.2, Kontext, Flex.2, FLUX.1), or null when the name says nothing. */
    String archSuggestedByName() {
        if (nameOrPath == null) {
            return null;
        }
        String n = nameOrPath.toLowerCase(Locale.ROOT);
        if (n.contains("flux.2-klein") || n.contains("flux2-klein")) {
            return n.contains("9b") ? "flux2_klein_9b" : n.contains("4b") ? "flux2_klein_4b" : null;
        }
        if (n.contains("flux.2") || n.contains("flux2")) {
            return "flux2";
        }
        if (n.contains("kontext")) {
            return "flux_kontext";
        }
        if (n.contains("flex.2") || n.contains("flex2")) {
            return "flex2";
        }
        if (n.contains("flex.1") || n.contains("flex1")) {
            return "flux";
        }
        if (n.contains("flux.1") || n.contains("flux1") || n.contains("flux-1")) {
            return "flux";
        }
        return null;
    }
}
