package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model a run trained, as far as its folder and log tell: ai-toolkit writes the config it ran as
 * {@code config.yaml} beside {@code log.txt} and {@code run.json}; without it, the model the log announced.
 * {@code variant} is null when it is not a FLUX variant the planner sizes (or not known); {@code source}
 * says where the answer came from.
 */
record TrainedModel(ModelVariant variant, String arch, String nameOrPath, String source) {
    static final TrainedModel UNKNOWN = new TrainedModel(null, null, null, "neither a config.yaml beside the file "
            + "nor the log says which model");

    /** What the folder of {@code file} (a log or run.json; null: no folder) and the log's announcement say. */
    static TrainedModel of(Path file, String announcedArch, Environment env) {
        Path folder = file == null ? null : file.toAbsolutePath().getParent();
        Path config = folder == null ? null : folder.resolve("config.yaml");
        if (config != null && Files.isRegularFile(config)) {
            TrainedModel fromConfig = fromConfig(config, env);
            if (fromConfig != null) {
                return fromConfig;
            }
        }
        if (announcedArch != null) {
            return new TrainedModel(variantOf(announcedArch), announcedArch, null, "the model the log announced");
        }
        return UNKNOWN;
    }

    /** The first process's model section of ai-toolkit's own copy of the config, or null when unreadable. */
    private static TrainedModel fromConfig(Path config, Environment env) {
        Object doc;
        try {
            doc = new ConfigReader(env).parse(config).plain();
        } catch (LauncherException e) {
            return null;
        }
        Object model = at(first(at(at(doc, "config"), "process")), "model");
        if (!(model instanceof Map<?, ?> m)) {
            return null;
        }
        String arch = m.get("arch") == null ? null : m.get("arch").toString();
        if (arch != null && arch.contains(":")) {
            arch = arch.substring(0, arch.indexOf(':'));
        }
        // As ai-toolkit's ModelConfig reads it: flex1 trains as flux, and is_flux stands in for a missing arch.
        if ("flex1".equals(arch) || (arch == null && Boolean.TRUE.equals(m.get("is_flux")))) {
            arch = "flux";
        }
        String name = m.get("name_or_path") == null ? null : m.get("name_or_path").toString();
        return new TrainedModel(variantOf(arch), arch, name, config.getFileName() + " beside the file (ai-toolkit's "
                + "copy of the config it ran)");
    }

    private static ModelVariant variantOf(String arch) {
        for (ModelVariant v : ModelVariant.values()) {
            if (v.arch().equals(arch)) {
                return v;
            }
        }
        return null;
    }

    /** "FLUX.1-Kontext-dev", or the name_or_path the config gives, for a reader. */
    String describe() {
        if (nameOrPath != null) {
            return nameOrPath;
        }
        if (variant != null) {
            return variant.repoId().substring(variant.repoId().indexOf('/') + 1);
        }
        return arch == null ? "an unknown model" : "a model of arch " + arch;
    }

    /** "FLUX.1-Kontext-dev (arch flux_kontext), from ...", or null when nothing names the model. */
    String summary() {
        if (this == UNKNOWN) {
            return null;
        }
        return describe() + (arch == null ? "" : " (arch " + arch + ")") + ", from " + source;
    }

    private static Object at(Object node, String key) {
        return node instanceof Map<?, ?> m ? m.get(key) : null;
    }

    private static Object first(Object node) {
        return node instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
    }
}
