package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which files of a repo a run needs. A diffusers-format repo: {@code model_index.json} plus the folders of the
 * components it names (not the 24 GB single-file checkpoints beside them), safetensors preferred over other weight
 * formats and no precision variants. One file named by the reference: that file. Any other repo: everything but
 * docs and images. {@code --include} replaces these rules; {@code --exclude} always applies.
 */
final class FileSelection {
    static final String MODEL_INDEX = "model_index.json";
    private static final Pattern OTHER_WEIGHTS = Pattern.compile(".*\\.(bin|pt|pth|ckpt|msgpack|h5|onnx|onnx_data|pb|ot|gguf)$");
    private static final Pattern VARIANT = Pattern.compile(".*\\.(fp16|fp32|bf16|ema|non_ema|fp8)(-\\d{5}-of-\\d{5})?\\.(safetensors|bin)(\\.index\\.json)?$");
    private static final Pattern CONSOLIDATED = Pattern.compile("consolidated(\\.\\d+)?\\.(safetensors|pth)");
    private static final Pattern DOCS_AND_IMAGES = Pattern.compile("(^|.*/)(\\.gitattributes|[^/]*\\.(md|png|jpe?g|webp|gif))$", Pattern.CASE_INSENSITIVE);
    /** Files transformers/diffusers look for in a component folder; absent ones get a .no_exist marker. */
    static final List<String> PROBED = List.of("config.json", "generation_config.json", "adapter_config.json",
            "added_tokens.json", "special_tokens_map.json", "tokenizer_config.json", "tokenizer.json",
            "chat_template.jinja", "chat_template.json", "processor_config.json", "preprocessor_config.json",
            "model.safetensors", "model.safetensors.index.json", "diffusion_pytorch_model.safetensors",
            "diffusion_pytorch_model.safetensors.index.json");

    record Selected(List<RemoteEntry> files, List<String> components, String reason, List<String> absentProbes) {
    }

    private FileSelection() {
    }

    static List<String> componentsOf(JsonNode modelIndex) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : modelIndex.properties()) {
            JsonNode v = e.getValue();
            if (!e.getKey().startsWith("_") && v.isArray() && v.size() == 2 && !v.get(0).isNull() && !v.get(1).isNull()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    static Selected select(ModelReference ref, Map<String, RemoteEntry> listing, Optional<JsonNode> modelIndex,
                           List<String> wantedComponents, GlobPatterns patterns) {
        if (ref.filePath().isPresent()) {
            String path = ref.filePath().get();
            RemoteEntry e = listing.get(path);
            if (e == null) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "file '" + path + "' is not in " + ref.repoId() + " at revision "
                        + ref.revision() + " (" + ref.source() + "); check the path");
            }
            return new Selected(List.of(e), List.of(), "the one file " + ref.source() + " names", List.of());
        }
        List<RemoteEntry> chosen = new ArrayList<>();
        List<String> components = List.of();
        List<String> absent = new ArrayList<>();
        String reason;
        if (!patterns.include().isEmpty()) {
            listing.values().stream().filter(e -> patterns.keeps(e.path())).forEach(chosen::add);
            reason = "files matching --include " + String.join(",", patterns.include());
        } else if (modelIndex.isPresent()) {
            List<String> available = componentsOf(modelIndex.get());
            components = available;
            if (!wantedComponents.isEmpty()) {
                List<String> unknown = wantedComponents.stream().filter(c -> !available.contains(c)).toList();
                if (!unknown.isEmpty()) {
                    throw new LauncherException(ExitCode.USAGE, "--components " + String.join(",", unknown) + " not in "
                            + ref.repoId() + "'s model_index.json; it has " + String.join(", ", available));
                }
                components = List.copyOf(wantedComponents);
            }
            Set<String> folders = new LinkedHashSet<>(components);
            for (String folder : folders) {
                List<RemoteEntry> inFolder = listing.values().stream().filter(e -> e.path().startsWith(folder + "/")).toList();
                boolean hasSafetensors = inFolder.stream().anyMatch(e -> e.path().endsWith(".safetensors"));
                boolean hasPlain = inFolder.stream().anyMatch(e -> isWeight(e.path()) && !VARIANT.matcher(e.path()).matches());
                for (RemoteEntry e : inFolder) {
                    String p = e.path().toLowerCase(Locale.ROOT);
                    if (hasSafetensors && OTHER_WEIGHTS.matcher(p).matches()) {
                        continue;
                    }
                    if (hasPlain && VARIANT.matcher(p).matches()) {
                        continue;
                    }
                    if (DOCS_AND_IMAGES.matcher(p).matches()) {
                        continue;
                    }
                    chosen.add(e);
                }
                for (String probe : PROBED) {
                    if (!listing.containsKey(folder + "/" + probe)) {
                        absent.add(folder + "/" + probe);
                    }
                }
            }
            chosen.add(0, listing.get(MODEL_INDEX));
            reason = "diffusers repo: model_index.json and the components " + String.join(", ", components);
        } else {
            // A transformers repo may carry the same weights again in mistral-inference's format
            // (consolidated.safetensors: 48 GB beside Mistral-Small-3.1's shards); from_pretrained never reads it.
            boolean transformersWeights = listing.containsKey("model.safetensors")
                    || listing.containsKey("model.safetensors.index.json");
            listing.values().stream().filter(e -> !DOCS_AND_IMAGES.matcher(e.path()).matches())
                    .filter(e -> !(transformersWeights && CONSOLIDATED.matcher(e.path()).matches())).forEach(chosen::add);
            reason = "every file of the repo except docs and images" + (transformersWeights
                    ? " (and mistral-inference's consolidated copy of the weights, which transformers does not read)" : "");
        }
        List<RemoteEntry> kept = chosen.stream().filter(e -> patterns.exclude().stream().noneMatch(x -> GlobPatterns.matches(x, e.path()))).toList();
        if (kept.isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, "nothing of " + ref.repoId() + " is left to fetch after --include/--exclude; loosen the patterns");
        }
        return new Selected(kept, components, reason, List.copyOf(new TreeSet<>(absent)));
    }

    private static boolean isWeight(String path) {
        return path.endsWith(".safetensors") || path.endsWith(".bin");
    }
}
