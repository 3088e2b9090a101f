package dev.aitk.launcher.hub;

import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Hub downloads an ai-toolkit config will trigger: {@code model.name_or_path}, {@code model.extras_name_or_path},
 * {@code model.assistant_lora_path} and the adapter of {@code model.qtype: "qfloat8|org/repo/file"}, in every
 * process entry, and what the arch's model class loads from elsewhere ({@link ArchDownloads}: FLUX.2's text
 * encoder and VAE repositories, and the one transformer file it reads from name_or_path). Values that are local paths need nothing; full config checking is the validate stage's job.
 */
public final class ModelReferences {
    private ModelReferences() {
    }

    /**
     * What {@code prefetch TARGET} means: the Hub references of an ai-toolkit config when TARGET is a file (a
     * {@code revision} then applies to its main model), else TARGET itself as {@code org/name[/file]}.
     */
    public static List<ModelReference> forTarget(String target, Optional<String> revision, Environment env) {
        Path asPath;
        try {
            asPath = env.resolve(Path.of(target));
        } catch (java.nio.file.InvalidPathException e) {
            asPath = null;
        }
        String lower = target.toLowerCase(java.util.Locale.ROOT);
        boolean looksLikeConfig = lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
        if (asPath != null && Files.isRegularFile(asPath)) {
            List<ModelReference> refs = fromConfig(asPath, env);
            return revision.map(rev -> refs.stream().map(r -> r.source().equals("model.name_or_path")
                    ? new ModelReference(r.repoId(), r.filePath(), rev, r.source()) : r).toList()).orElse(refs);
        }
        if (looksLikeConfig) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "the config " + target + " does not exist; check the path");
        }
        return List.of(ModelReference.parse(target, revision.orElse(ModelReference.DEFAULT_REVISION), "MODEL"));
    }

    /** The Hub references of an ai-toolkit config, read as run.py reads it ({@code ${VAR}} substituted first). */
    public static List<ModelReference> fromConfig(Path config, Environment env) {
        Object doc = new ConfigReader(env).read(config).plain();
        List<?> processes = Optional.ofNullable(asMap(doc).get("config")).map(c -> asMap(c).get("process"))
                .filter(List.class::isInstance).map(List.class::cast).orElse(List.of());
        if (processes.isEmpty()) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "the config " + config
                    + " has no config.process entries, so it names no model; run 'aitk-launcher validate " + config + "'");
        }
        Map<String, ModelReference> refs = new LinkedHashMap<>();
        Path base = config.toAbsolutePath().getParent();
        for (int i = 0; i < processes.size(); i++) {
            Map<String, Object> model = asMap(asMap(processes.get(i)).get("model"));
            String prefix = i == 0 ? "model." : "config.process[" + i + "].model.";
            String revision = Optional.ofNullable(model.get("revision")).map(String::valueOf).orElse(ModelReference.DEFAULT_REVISION);
            Object arch = model.get("arch");
            add(refs, withFile(model.get("name_or_path"), ArchDownloads.modelFile(arch), base, env), revision,
                    prefix + "name_or_path", base, env);
            Object vae = model.get("vae_path");
            boolean vaeSet = vae instanceof String v && !v.isBlank();
            if (vaeSet && ArchDownloads.modelFile(arch).isPresent()) {
                String v = ((String) vae).strip();
                // flux2_model.py load_model: a vae_path "org/name" is read as that repo's ae.safetensors.
                add(refs, v.split("/").length == 2 ? v + "/ae.safetensors" : v, ModelReference.DEFAULT_REVISION,
                        prefix + "vae_path", base, env);
            }
            for (ArchDownloads.Download d : ArchDownloads.others(arch, vaeSet)) {
                Object repo = d.repoId() != null ? d.repoId() : model.get("name_or_path");
                add(refs, withFile(repo, Optional.ofNullable(d.filePath()), base, env), d.repoId() != null
                        ? ModelReference.DEFAULT_REVISION : revision, prefix + "arch " + arch + ": " + d.what(), base, env);
            }
            add(refs, model.get("extras_name_or_path"), ModelReference.DEFAULT_REVISION, prefix + "extras_name_or_path", base, env);
            add(refs, model.get("assistant_lora_path"), ModelReference.DEFAULT_REVISION, prefix + "assistant_lora_path", base, env);
            Object qtype = model.get("qtype");
            if (qtype instanceof String q && q.contains("|")) {
                add(refs, q.substring(q.indexOf('|') + 1), ModelReference.DEFAULT_REVISION, prefix + "qtype", base, env);
            }
        }
        return List.copyOf(refs.values());
    }

    /** {@code org/name} plus the one file the arch's class reads from it; anything else as it is. */
    private static Object withFile(Object nameOrPath, Optional<String> file, Path base, Environment env) {
        return file.isPresent() && nameOrPath instanceof String s && s.strip().split("/").length == 2
                && !isLocal(s.strip(), base, env) ? s.strip() + "/" + file.get() : nameOrPath;
    }

    private static void add(Map<String, ModelReference> refs, Object value, String revision, String source, Path base, Environment env) {
        if (!(value instanceof String s) || s.isBlank() || isLocal(s.strip(), base, env)) {
            return;
        }
        ModelReference ref = ModelReference.parse(s, revision, source);
        refs.putIfAbsent(ref.display(), ref);
    }

    /** A value is local when it exists on disk or is written like a path (absolute, ./, ~, a drive letter). */
    static boolean isLocal(String value, Path base, Environment env) {
        if (value.startsWith("/") || value.startsWith("./") || value.startsWith("../") || value.startsWith("~")
                || value.startsWith(".\\") || value.contains("\\") || value.matches("^[A-Za-z]:.*")) {
            return true;
        }
        try {
            return Files.exists(env.resolve(Path.of(value))) || (base != null && Files.exists(base.resolve(value)));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
