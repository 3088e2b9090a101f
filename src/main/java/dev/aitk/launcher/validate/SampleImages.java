package dev.aitk.launcher.validate;

import java.nio.file.Files;
import java.nio.file.Path;
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

    static void check(ConfigNode process, Function<String, Path> resolver, Findings findings) {
        ConfigNode sample = process.get("sample").filter(ConfigNode::isMapping).orElse(null);
        if (sample == null) {
            return;
        }
        sample.get("prompts").filter(ConfigNode::isSequence).ifPresent(list -> {
            for (ConfigNode prompt : list.items()) {
                String text = prompt.string();
                int at = text == null ? -1 : text.indexOf(FLAG);
                if (at >= 0) {
                    String rest = text.substring(at + FLAG.length()).trim();
                    int next = rest.indexOf(" --");
                    String path = (next >= 0 ? rest.substring(0, next) : rest).trim();
                    exists(prompt, path, resolver, findings);
                }
            }
        });
        sample.get("samples").filter(ConfigNode::isSequence).ifPresent(list -> {
            for (ConfigNode item : list.items()) {
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
