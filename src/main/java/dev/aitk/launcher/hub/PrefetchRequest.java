package dev.aitk.launcher.hub;

import java.util.List;

/**
 * What to prefetch: the references (from a config or the command line), which diffusers components to keep
 * (empty: those model_index.json names), extra include/exclude patterns, and whether to only check the cache.
 */
public record PrefetchRequest(List<ModelReference> references, List<String> components, GlobPatterns patterns,
                              boolean offline) {
    public PrefetchRequest {
        references = List.copyOf(references);
        components = List.copyOf(components);
    }

    public static PrefetchRequest of(List<ModelReference> references) {
        return new PrefetchRequest(references, List.of(), GlobPatterns.all(), false);
    }
}
