package dev.aitk.launcher.validate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Control images named by the sample prompts ({@code --ctrl_img PATH} in a prompt, or {@code ctrl_img} in a
 * samples entry; SampleItem and GenerateImageConfig in config_modules.py): ai-toolkit opens them for the
 * first sample, before step 1, so a missing one fails the run right after the model download.
 */
final class SampleImages {
    private static final String FLAG = "--ctrl_img";

    private SampleImages() {
    }

    /**
     * Kontext samples need a control image: flux_kontext.py generate_single_image raises "Control image is required
     * for Flux Kontext model generation." when {@code ctrl_img} is unset, at the first sample (before step 1, or at
     * the first sample_every with skip_first_sample). A sample gets it from a {@code samples} entry's ctrl_img or
     * from {@code --ctrl_img} in its prompt (GenerateImageConfig parses the flags); ctrl_img_1 alone is not read.
     * SampleConfig uses {@code samples} when given and {@code prompts} otherwise.
     */
    static void requireKontextControl(ConfigNode process, ModelFacts model, Findings findings) {
        ConfigNode sample = process.get("sample").filter(ConfigNode::isMapping).orElse(null);
        // The UI names its section multi_ctrl_imgs; SampleItem reads ctrl_img_1..3.
        if (sample != null) {
            sample.get("multi_ctrl_imgs").ifPresent(n -> findings.warning(n,
                    "multi_ctrl_imgs is the name of a section in ai-toolkit's UI, not a SampleConfig key, so ai-toolkit ignores it",
                    "give each samples entry ctrl_img_1, ctrl_img_2 and ctrl_img_3 (SampleItem)"));
        }
        boolean samplingOff = process.get("train").flatMap(t -> t.get("disable_sampling")).map(ConfigNode::bool).orElse(false) == Boolean.TRUE;
        if (!"flux_kontext".equals(model.arch()) || sample == null || samplingOff) {
            return;
        }
        String why = "Kontext samples need a control image, and ai-toolkit stops at the first sample with \"Control image is required for Flux Kontext model generation.\"";
        String fix = "add --ctrl_img PATH (one of the control_path images) to the prompt, or set train.disable_sampling: true";
        Optional<ConfigNode> samples = sample.get("samples").filter(ConfigNode::isSequence);
        if (samples.isPresent()) {
            for (ConfigNode item : samples.get().items()) {
                boolean inPrompt = item.get("prompt").map(ConfigNode::string).map(p -> p.contains(FLAG)).orElse(false);
                if (item.isMapping() && !inPrompt && item.get("ctrl_img").map(ConfigNode::string).isEmpty()) {
                    findings.missing(Severity.ERROR, item, "ctrl_img", "this sample has no ctrl_img: " + why,
                            "set ctrl_img: PATH on it (one of the control_path images; ctrl_img_1 is not read by Kontext), or set train.disable_sampling: true");
                }
            }
            return;
        }
        sample.get("prompts").filter(ConfigNode::isSequence).ifPresent(list -> {
            for (ConfigNode prompt : list.items()) {
                if (prompt.string() != null && !prompt.string().contains(FLAG)) {
                    findings.error(prompt, "this prompt has no --ctrl_img: " + why, fix);
                }
            }
        });
    }

    static void check(ConfigNode process, Function<String, Path> resolver, Findings findings) {
        ConfigNode sample = process.get("sample").filter(ConfigNode::isMapping).orElse(null);
        if (sample == null) {
            return;
        }

        sample.get("prompts").filter(ConfigNode::isSequence).ifPresent(list -> list.items().forEach(p -> flagged(p, resolver, findings)));
        sample.get("samples").filter(ConfigNode::isSequence).ifPresent(list -> {
            for (ConfigNode item : list.items()) {
                item.get("prompt").ifPresent(prompt -> flagged(prompt, resolver, findings));
                for (String key : new String[] {"ctrl_img", "ctrl_img_1", "ctrl_img_2", "ctrl_img_3"}) {
                    item.get(key).ifPresent(n -> {
                        if (n.string() != null) {
                            exists(n, n.string(), resolver, findings);
                        }
                    });
                }
            }
        });
    }

    // GenerateImageConfig splits the prompt at '--': the path is what follows the flag up to the next one.
    private static void flagged(ConfigNode prompt, Function<String, Path> resolver, Findings findings) {
        String text = prompt.string();
        int at = text == null ? -1 : text.indexOf(FLAG);
        if (at >= 0) {
            String rest = text.substring(at + FLAG.length()).trim();
            int next = rest.indexOf(" --");
            exists(prompt, (next >= 0 ? rest.substring(0, next) : rest).trim(), resolver, findings);
        }
    }

    private static void exists(ConfigNode at, String path, Function<String, Path> resolver, Findings findings) {
        if (path.isEmpty() || path.contains("${")) {
            return;
        }
        Path file = resolver.apply(path);
        if (!Files.isRegularFile(file)) {
            findings.error(at, "the sample control image " + file + " does not exist, and ai-toolkit opens it for the first sample, before training starts",
                    "point --ctrl_img at an existing image (e.g. one of the dataset's control images), or remove the flag");
        }
    }
}
