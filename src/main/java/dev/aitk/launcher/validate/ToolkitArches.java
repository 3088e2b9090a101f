package dev.aitk.launcher.validate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The values of {@code model.arch} ai-toolkit can load. toolkit/util/get_model.py get_model_class picks the model
 * class whose {@code arch} attribute equals the config's arch and, when none does, silently falls back to the
 * Stable Diffusion loader, which then fails on a FLUX checkpoint; so an arch outside this list is an error.
 * The list is ai-toolkit 27a03a9's; when the ai-toolkit folder is known, an arch a newer version (or an extension
 * of the user's) defines is read from its model classes, so a newer ai-toolkit is not refused.
 */
final class ToolkitArches {
    // toolkit/config_modules.py ModelArch and ModelConfig.__init__: the arches the Stable Diffusion loader serves
    // (flex1 is renamed flux before loading).
    static final List<String> LOADER_ARCHES = List.of("sd1", "sd2", "sd3", "sdxl", "pixart", "pixart_sigma", "auraflow",
            "flux", "flex1", "lumina2", "vega", "ssd");
    // toolkit/util/get_model.py BUILT_IN_MODELS and the AI_TOOLKIT_MODELS lists of extensions_built_in/ (the arch
    // attribute of each listed class).
    static final List<String> MODEL_CLASS_ARCHES = List.of("flux_kontext", "flex2", "flux2", "flux2_klein_4b",
            "flux2_klein_9b", "chroma", "chroma_radiance", "hidream", "hidream_e1", "hidream_o1", "f-lite", "omnigen2",
            "wan21", "wan21_i2v", "wan22_5b", "wan22_14b", "wan22_14b_i2v", "cogview4", "qwen_image", "qwen_image_edit",
            "qwen_image_edit_plus", "zimage", "zimage_l2p", "ltx2", "ltx2.3", "ltx2.5", "zeta_chroma", "ernie_image",
            "nucleus_image", "anima", "ideogram4", "prx_pixel", "krea2", "boogu_image", "boogu_image_edit", "mageflow",
            "mageflow_edit", "minimax_h3", "minimax_h3_ref2va", "ace_step_15", "ace_step_15_xl");
    /** The FLUX arches, named first in a fix because this launcher trains FLUX LoRAs. */
    static final List<String> FLUX_ARCHES = List.of("flux", "flux_kontext", "flex2", "flux2", "flux2_klein_4b", "flux2_klein_9b");

    // A model class's arch attribute: "    arch = 'flux2'" (optionally annotated: "arch: str = ...").
    private static final Pattern ARCH_ATTRIBUTE = Pattern.compile("^\\s+arch\\s*(?::\\s*[\\w.\\[\\]]+\\s*)?=\\s*[\"']([^\"']+)[\"']");
    // Where get_model_class finds model classes: BUILT_IN_MODELS in toolkit/models, and the two extension folders.
    private static final List<String> MODEL_FOLDERS = List.of("toolkit/models", "extensions_built_in", "extensions");
    private static final int MAX_DEPTH = 6;

    private final Path toolkitRoot;
    private Set<String> fromToolkit;

    /** @param toolkitRoot ai-toolkit's folder (absolute), or null when it is not known */
    ToolkitArches(Path toolkitRoot) {
        this.toolkitRoot = toolkitRoot;
    }

    /** Whether ai-toolkit loads this arch (already stripped of a ':tag'); reads the toolkit's files only for a name not in 27a03a9. */
    boolean knows(String arch) {
        return LOADER_ARCHES.contains(arch) || MODEL_CLASS_ARCHES.contains(arch) || inToolkit().contains(arch);
    }

    /** Whether the ai-toolkit folder was read (so "not known" means this user's ai-toolkit does not have it). */
    boolean readToolkit() {
        return toolkitRoot != null && Files.isDirectory(toolkitRoot.resolve("toolkit"));
    }

    static List<String> all() {
        List<String> names = new ArrayList<>(LOADER_ARCHES);
        names.addAll(MODEL_CLASS_ARCHES);
        return names;
    }

    private Set<String> inToolkit() {
        if (fromToolkit == null) {
            fromToolkit = readToolkit() ? scan(toolkitRoot) : Set.of();
        }
        return fromToolkit;
    }

    private static Set<String> scan(Path root) {
        Set<String> names = new HashSet<>();
        for (String folder : MODEL_FOLDERS) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, MAX_DEPTH)) {
                files.filter(f -> f.getFileName().toString().endsWith(".py") && Files.isRegularFile(f))
                        .forEach(f -> names.addAll(archAttributes(f)));
            } catch (IOException | UncheckedIOException e) {
                // An unreadable folder adds no arch; the pinned list still holds.
            }
        }
        return names;
    }

    private static List<String> archAttributes(Path file) {
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = ARCH_ATTRIBUTE.matcher(line);
                if (m.find()) {
                    found.add(m.group(1));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Not UTF-8 or unreadable: not a model file get_model_class could import either.
        }
        return found;
    }
}
