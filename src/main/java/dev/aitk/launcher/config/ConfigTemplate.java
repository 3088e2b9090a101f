package dev.aitk.launcher.config;

import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A config template: one shipped in the jar (config-templates/, by name) or a user's own YAML file, which
 * renders the same way. {@code label} names it in messages.
 */
public record ConfigTemplate(String label, String text) {
    private static final String RESOURCE_DIR = "/config-templates/";

    /** The shipped templates, one per model variant (names match {@link ModelVariant#template()}). */
    public static List<String> shippedNames() {
        List<String> names = new ArrayList<>();
        for (ModelVariant v : ModelVariant.values()) {
            names.add(v.template());
        }
        return names;
    }

    public static ConfigTemplate forModel(ModelVariant model) {
        return shipped(model.template());
    }

    /** A shipped template by name, read from the jar. */
    public static ConfigTemplate shipped(String name) {
        String bare = name.toLowerCase(Locale.ROOT).replaceFirst("\\.ya?ml$", "");
        try (InputStream in = ConfigTemplate.class.getResourceAsStream(RESOURCE_DIR + bare + ".yaml")) {
            if (in == null) {
                throw new LauncherException(ExitCode.USAGE, "no shipped template is called '" + name
                        + "'; use one of " + String.join(", ", shippedNames()) + ", or the path of your own YAML file");
            }
            return new ConfigTemplate(bare, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INTERNAL, "the shipped template " + bare + " could not be read from the jar", e);
        }
    }

    /**
     * {@code --template NAME|FILE}: an existing file wins (a path, or a name with .yaml/.yml), otherwise a
     * shipped template by name.
     */
    public static ConfigTemplate resolve(String nameOrFile, Environment env) {
        Path file;
        try {
            file = env.resolve(Path.of(nameOrFile));
        } catch (RuntimeException invalidPath) {
            file = null;
        }
        if (file != null && Files.isRegularFile(file)) {
            return file(file);
        }
        boolean looksLikePath = nameOrFile.contains("/") || nameOrFile.contains("\\");
        if (!looksLikePath && shippedNames().contains(nameOrFile.toLowerCase(Locale.ROOT).replaceFirst("\\.ya?ml$", ""))) {
            return shipped(nameOrFile);
        }
        if (looksLikePath || nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml")) {
            throw new LauncherException(ExitCode.USAGE, "template file " + (file == null ? nameOrFile : file)
                    + " does not exist; give an existing YAML file or a shipped template: " + String.join(", ", shippedNames()));
        }
        return shipped(nameOrFile);
    }

    public static ConfigTemplate file(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return new ConfigTemplate(file.toString(), text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (CharacterCodingException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "template " + file
                    + " is not UTF-8 text; save it as UTF-8 (ai-toolkit reads configs as UTF-8)", e);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "template " + file + " could not be read ("
                    + e.getMessage() + "); check the path and its permissions", e);
        }
    }
}
