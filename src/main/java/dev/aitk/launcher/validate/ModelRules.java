package dev.aitk.launcher.validate;

import dev.aitk.launcher.plan.QuantType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ai-toolkit's rules for a process's {@code model} section (toolkit/config_modules.py ModelConfig.__init__ and
 * the quantization backends in toolkit/util/), each naming the code it mirrors; the keys only some loaders read in {@link ModelKeyRules}.
 */
final class ModelRules {
    // toolkit/util/quantize.py get_qtype: optimum-quanto qtypes, torchao's int8/float8, then the ostris backends
    // (toolkit/util/ostris_quant.py get_ostris_quantizer): uintx_quant UINTX_QTYPES (uint2-uint8, with an
    // accuracy-recovery adapter after '|'), convrot_quant CONVROT_QTYPES, nvfp4_quant NVFP4_QTYPES (any GPU: it
    // dequantizes for the matmul), orbit_quant ORBIT_QTYPES and orbit_vq_quant ORBIT_VQ_QTYPES.
    // One table with the bytes each stores: plan.QuantType.
    static final List<String> QTYPES = QuantType.names();
    static final Set<String> FLUX_FAMILY = Set.of("flux", "flux_kontext", "flex2");

    private final Findings findings;
    private final ToolkitArches arches;

    ModelRules(Findings findings, ToolkitArches arches) {
        this.findings = findings;
        this.arches = arches;
    }

    static boolean isKnownQtype(String name) {
        return QTYPES.contains(name);
    }

    /** Checks the process's model section; returns what it means to ai-toolkit (arch, FLUX or not). */
    ModelFacts check(ConfigNode p) {
        Optional<ConfigNode> modelNode = p.get("model");
        if (modelNode.isEmpty() || !modelNode.get().isMapping()) {
            if (modelNode.isEmpty()) {
                findings.missing(Severity.ERROR, p, "model", "the process has no model section (ModelConfig: \"name_or_path must be specified\")",
                        "add 'model: {name_or_path: black-forest-labs/FLUX.1-dev, arch: flux, quantize: true}'");
            }
            return new ModelFacts("sd1", false, false, null);
        }
        ConfigNode model = modelNode.get();
        // toolkit/config_modules.py ModelConfig.__init__.
        Optional<ConfigNode> nameOrPath = model.get("name_or_path");
        if (nameOrPath.isEmpty() || nameOrPath.get().isNull()) {
            findings.missing(Severity.ERROR, model, "name_or_path", "model.name_or_path is missing (ModelConfig: \"name_or_path must be specified\")",
                    "set model.name_or_path: black-forest-labs/FLUX.1-dev (or a local folder with the diffusers layout)");
        }
        ModelFacts facts = ModelFacts.of(model);
        Optional<ConfigNode> isFlux = model.get("is_flux");
        Optional<ConfigNode> arch = model.get("arch");
        if (facts.archGiven() && !arches.knows(facts.arch())) {
            unknownArch(arch.orElseThrow(), facts);
        } else {
            archRules(model, facts, isFlux, arch, nameOrPath);
        }
        qtypeRule(model, "quantize", "qtype");
        qtypeRule(model, "quantize_te", "qtype_te");
        new ModelKeyRules(findings).check(model, facts);
        return facts;
    }

    // toolkit/util/get_model.py get_model_class: an arch no model class has falls back to the Stable Diffusion loader.
    private void unknownArch(ConfigNode at, ModelFacts facts) {
        String typo = Suggest.closest(facts.arch(), ToolkitArches.all());
        String named = facts.archSuggestedByName();
        String best = typo != null ? typo : named;
        List<String> others = ToolkitArches.all().stream().filter(a -> !ToolkitArches.FLUX_ARCHES.contains(a)).toList();
        findings.error(at, "model.arch '" + facts.arch() + "' is not a model ai-toolkit has" + (typo != null ? " (did you mean '" + typo + "'?)" : "")
                        + ", so it falls back to the Stable Diffusion loader (get_model_class), which fails to load "
                        + (facts.nameOrPath() != null ? facts.nameOrPath() : "the model"),
                (best != null ? "set model.arch: " + best + " (ai-toolkit's FLUX arches: " + String.join(", ", ToolkitArches.FLUX_ARCHES) + ")"
                        : "set model.arch to a FLUX arch (" + String.join(", ", ToolkitArches.FLUX_ARCHES) + ") or another ai-toolkit model ("
                                + String.join(", ", others) + ")")
                        + (arches.readToolkit() ? "" : "; if your ai-toolkit is newer and has this arch, pass --toolkit-dir so its models are read"));
    }

    private void archRules(ConfigNode model, ModelFacts facts, Optional<ConfigNode> isFlux, Optional<ConfigNode> arch, Optional<ConfigNode> nameOrPath) {
        if (arch.isPresent() && isFlux.isPresent() && Boolean.TRUE.equals(isFlux.get().bool()) && !FLUX_FAMILY.contains(facts.arch())) {
            findings.error(isFlux.get(), "is_flux is true but arch is '" + facts.arch() + "'; ai-toolkit loads the arch and then applies FLUX-only rules to a non-FLUX model",
                    "delete is_flux (arch decides the model) or set arch: flux");
        }
        if (arch.isPresent() && isFlux.isPresent() && Boolean.FALSE.equals(isFlux.get().bool()) && "flux".equals(facts.arch())) {
            findings.warning(isFlux.get(), "is_flux is false but arch is 'flux'; ai-toolkit follows arch and treats the model as FLUX",
                    "delete is_flux; arch: flux is enough");
        }
        String suggested = facts.archSuggestedByName();
        if (suggested != null && !suggested.equals(facts.arch())) {
            ConfigNode at = arch.orElse(nameOrPath.orElse(model));
            Severity severity = facts.archGiven() || facts.isFlux() ? Severity.WARNING : Severity.ERROR;
            findings.add(severity, at, "model.name_or_path '" + facts.nameOrPath() + "' looks like arch '" + suggested + "', but ai-toolkit will load it as '"
                            + facts.arch() + "'" + (facts.archGiven() || facts.isFlux() ? "" : " because neither arch nor is_flux is set"),
                    "set model.arch: " + suggested);
        }
        // ModelConfig.__init__: these two raise unless is_flux (arch: flux sets it; flux_kontext and flex2 do not).
        for (String key : List.of("attn_masking", "split_model_over_gpus")) {
            model.get(key).filter(n -> Boolean.TRUE.equals(n.bool())).ifPresent(n -> {
                if (!facts.isFlux()) {
                    findings.error(n, key + " is only supported with FLUX models (is_flux), and ai-toolkit refuses it for arch '" + facts.arch() + "'",
                            "remove " + key);
                }
            });
        }
    }

    // toolkit/util/quantize.py get_qtype: an unknown name fails when the model is quantized.
    private void qtypeRule(ConfigNode model, String flag, String key) {
        boolean on = Boolean.TRUE.equals(model.get(flag).map(ConfigNode::bool)
                .orElse("quantize_te".equals(flag) ? model.get("quantize").map(ConfigNode::bool).orElse(null) : null));
        model.get(key).ifPresent(q -> {
            String value = q.string();
            if (value == null || !on) {
                return;
            }
            String base = value.contains("|") ? value.substring(0, value.indexOf('|')) : value;
            // ModelConfig splits an accuracy-recovery adapter off qtype only; qtype_te goes to get_qtype whole.
            if ("qtype_te".equals(key) && value.contains("|")) {
                findings.error(q, "qtype_te '" + value + "' names an accuracy-recovery adapter, but ai-toolkit reads adapters only from qtype"
                                + " (ModelConfig), so get_qtype fails on the whole string", "set qtype_te: " + base);
                return;
            }
            if (!isKnownQtype(base)) {
                String s = Suggest.closest(base, QTYPES);
                findings.error(q, key + " '" + base + "' is not a quantization type ai-toolkit knows"
                                + (s != null ? " (did you mean '" + s + "'?)" : ""),
                        "use qfloat8 (the default), qint8, qint4, torchao's int8 / float8, uint2-uint8, convrot8, convrot4 or nvfp4;"
                                + " an accuracy-recovery adapter goes after a '|' in qtype");
            }
        });
    }
}
