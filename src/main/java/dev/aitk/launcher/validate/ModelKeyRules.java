package dev.aitk.launcher.validate;


/**
 * Model keys that only some of ai-toolkit's model loaders read, so the same config means different things per
 * arch: layer offloading and its percentages, {@code model_kwargs.match_target_res}, FLUX.2-dev's text-encoder
 * quantization, and keys ai-toolkit has no field for. Each rule names the code it mirrors (ai-toolkit 27a03a9).
 */
final class ModelKeyRules {
    private final Findings findings;

    ModelKeyRules(Findings findings) {
        this.findings = findings;
    }

    void check(ConfigNode model, ModelFacts facts) {
        boolean flux1 = ModelRules.FLUX_FAMILY.contains(facts.arch());
        boolean offloading = model.get("layer_offloading").map(ConfigNode::bool).orElse(false) == Boolean.TRUE;
        model.get("layer_offloading").filter(n -> offloading && flux1).ifPresent(n -> findings.warning(n,
                "layer_offloading is read by the newer model loaders (FLUX.2, Qwen-Image, Wan 2.2 and others: MemoryManager.attach),"
                        + " not by FLUX.1's (toolkit/stable_diffusion_model.py), so with arch '" + facts.arch() + "' nothing is offloaded",
                "remove it; for FLUX.1 on a small card use quantize, low_vram and gradient_checkpointing"));
        if (offloading && !flux1) {
            qfloat8Becomes(model, "quantize", "qtype");
            qfloat8Becomes(model, "quantize_te", "qtype_te");
        }
        model.get("model_kwargs").flatMap(k -> k.get("match_target_res")).ifPresent(n -> {
            if (n.bool() == null) {
                findings.error(n, "model_kwargs.match_target_res must be true or false, but it is " + n.kindName(), "set it to true or false");
            } else if (flux1) {
                findings.warning(n, "model_kwargs.match_target_res is read by the FLUX.2 loader (flux2_model.py) and some edit models,"
                        + " not by arch '" + facts.arch() + "', so it changes nothing", "remove it");
            }
        });
        // flux2_model.py Flux2Model.load_te quantizes Mistral with qtype; only the klein loader reads qtype_te.
        model.get("qtype_te").filter(n -> "flux2".equals(facts.arch()) && quantizes(model, "quantize_te")).ifPresent(n -> {
            String qtype = model.get("qtype").map(ConfigNode::string).orElse("qfloat8");
            if (n.string() != null && !n.string().equals(qtype.contains("|") ? qtype.substring(0, qtype.indexOf('|')) : qtype)) {
                findings.warning(n, "arch flux2 quantizes its Mistral text encoder with qtype ('" + qtype + "'), not with qtype_te"
                        + " (flux2_model.py load_te), so qtype_te '" + n.string() + "' has no effect", "remove qtype_te, or set it to the qtype");
            }
        });
        model.get("quantize_device").ifPresent(n -> findings.warning(n,
                "quantize_device is not a ModelConfig key in ai-toolkit, so it is ignored: the loaders quantize where they load"
                        + " (the training device, or the CPU with low_vram; toolkit/stable_diffusion_model.py quantize_device = device_torch)",
                "remove it; set low_vram: true to quantize on the CPU"));
    }

    // ModelConfig.__init__: "if self.layer_offloading and self.qtype == 'qfloat8': self.qtype = 'float8'" (same for qtype_te).
    private void qfloat8Becomes(ConfigNode model, String flag, String key) {
        if (!quantizes(model, flag)) {
            return;
        }
        String value = model.get(key).map(ConfigNode::string).orElse("qfloat8");
        if ("qfloat8".equals(value)) {
            ConfigNode at = model.get(key).orElse(model.get("layer_offloading").orElseThrow());
            findings.warning(at, "with layer_offloading, ai-toolkit replaces " + key + " qfloat8 (optimum-quanto) with float8 (torchao)"
                    + " (ModelConfig), which offloaded layers can stream", "set " + key + ": float8 to say what runs");
        }
    }

    // ModelConfig: quantize_te defaults to quantize.
    private static boolean quantizes(ConfigNode model, String flag) {
        Boolean quantize = model.get("quantize").map(ConfigNode::bool).orElse(false);
        Boolean on = "quantize_te".equals(flag) ? model.get(flag).map(ConfigNode::bool).orElse(quantize) : quantize;
        return on == Boolean.TRUE;
    }
}
