package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.ConfigDocument;
import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.config.ConfigUnreadable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a launch needs from a --config file, read once as run.py reads it (${VAR} substituted): config.name (the
 * job's name and its checkpoints' prefix; the file's name when missing, which validation reports), the first
 * process's training_folder (ai-toolkit's default "output", relative to the toolkit folder) and whether it sets
 * model.split_model_over_gpus (such a job gets every GPU). A file run.py could not read either gets the
 * fallbacks here: validation reports why, with the line.
 */
record ExistingConfig(String name, String trainingFolder, boolean splitModel) {

    static ExistingConfig read(ConfigReader reader, Path file) {
        String fallback = file.getFileName().toString().replaceFirst("\\.(ya?ml|jsonc?)$", "");
        Object doc;
        try {
            doc = reader.read(file).plain();
        } catch (ConfigUnreadable unreadable) {
            return new ExistingConfig(fallback, "output", false);
        }
        Map<?, ?> config = doc instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> c ? c : Map.of();
        Map<?, ?> process = config.get("process") instanceof List<?> list && !list.isEmpty()
                && list.get(0) instanceof Map<?, ?> p ? p : Map.of();
        Map<?, ?> model = process.get("model") instanceof Map<?, ?> m ? m : Map.of();
        String name = config.get("name") instanceof String s && !s.isBlank() ? s : fallback;
        Object folder = process.get("training_folder");
        return new ExistingConfig(name, folder == null ? "output" : folder.toString(),
                Boolean.TRUE.equals(model.get("split_model_over_gpus")));
    }
}
