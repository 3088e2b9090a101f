package dev.aitk.launcher.validate;

import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.TrainingSettings;
import dev.aitk.launcher.plan.TransformerShape;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a trainer process back into the planner's {@link TrainingSettings}, with ai-toolkit's defaults for
 * what the config leaves out (TrainConfig, ModelConfig, DatasetConfig, NetworkConfig in config_modules.py).
 */
final class SettingsFromConfig {
    private SettingsFromConfig() {
    }

    /** The settings of one process, or null when its model is not a FLUX variant the planner sizes. */
    static TrainingSettings of(ConfigNode process) {
        ConfigNode model = process.get("model").filter(ConfigNode::isMapping).orElse(null);
        if (model == null) {
            return null;
        }
        ModelVariant variant = ModelFacts.of(model).variant();
        if (variant == null) {
            return null;
        }
        ConfigNode train = process.get("train").filter(ConfigNode::isMapping).orElse(null);
        List<ConfigNode> datasets = process.get("datasets").filter(ConfigNode::isSequence).map(ConfigNode::items).orElse(List.of())
                .stream().filter(ConfigNode::isMapping).toList();
        // data_loader.py: a dataset's own batch_size replaces train.batch_size for its batches; the peak is the largest.
        long trainBatch = longOf(train, "batch_size", 1);
        long largest = datasets.isEmpty() ? trainBatch
                : datasets.stream().mapToLong(d -> longOf(d, "batch_size", trainBatch)).max().orElse(trainBatch);
        int batch = (int) Math.max(1, largest);
        TreeSet<Integer> resolutions = new TreeSet<>();
        for (ConfigNode d : datasets) {
            resolutions.addAll(DatasetScan.resolutions(d));
        }
        if (resolutions.isEmpty()) {
            resolutions.add(512);
        }
        int rank = RoomCheck.rank(process);
        String optimizer = train == null ? "adamw" : train.get("optimizer").map(ConfigNode::string).orElse("adamw");
        boolean quantize = boolOf(model, "quantize", false);
        String qtype = model.get("qtype").map(ConfigNode::string).orElse("qfloat8");
        if (qtype.contains("|")) {
            qtype = qtype.substring(0, qtype.indexOf('|'));
        }
        boolean quantizeTe = boolOf(model, "quantize_te", quantize);
        boolean checkpointing = boolOf(train, "gradient_checkpointing", true);
        // DatasetConfig turns caching off when a dataset has augmentations; the run caches only if all datasets do.
        boolean cacheLatents = !datasets.isEmpty() && datasets.stream().allMatch(d ->
                (boolOf(d, "cache_latents_to_disk", false) || boolOf(d, "cache_latents", false)) && !augmented(d));
        boolean cacheText = boolOf(train, "cache_text_embeddings", false)
                || !datasets.isEmpty() && datasets.stream().allMatch(d -> boolOf(d, "cache_text_embeddings", false));
        boolean unloadTe = boolOf(train, "unload_text_encoder", false);
        boolean lowVram = boolOf(model, "low_vram", false);
        // ModelConfig: layer_offloading_transformer_percent defaults to 1.0; only the FLUX.2 loader attaches it
        // (an out-of-range share is ModelKeyRules' error; it is clamped here so the fit check still runs).
        double offload = variant.isFlux2() && boolOf(model, "layer_offloading", false)
                ? Math.max(0, Math.min(1, model.get("layer_offloading_transformer_percent").map(ConfigNode::number)
                .orElse(1.0))) : 0;
        return new TrainingSettings(variant, TransformerShape.defaultFor(variant), batch, List.copyOf(resolutions), Math.max(rank, 1),
                optimizer, quantize, qtype, quantizeTe, checkpointing, cacheLatents, cacheText, unloadTe, lowVram, offload);
    }

    static boolean augmented(ConfigNode d) {
        return d.get("augments").filter(ConfigNode::isSequence).map(n -> !n.items().isEmpty()).orElse(false)
                || d.get("augmentations").filter(ConfigNode::isSequence).map(n -> !n.items().isEmpty()).orElse(false);
    }

    private static long longOf(ConfigNode section, String key, long fallback) {
        if (section == null) {
            return fallback;
        }
        return section.get(key).map(ConfigNode::integer).orElse(fallback);
    }

    private static boolean boolOf(ConfigNode section, String key, boolean fallback) {
        if (section == null) {
            return fallback;
        }
        Boolean b = section.get(key).map(ConfigNode::bool).orElse(null);
        return b == null ? fallback : b;
    }
}
