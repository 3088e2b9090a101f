package dev.aitk.launcher.config;

import java.util.List;

/**
 * A rendered ai-toolkit config: its config.name (null when it has none), the YAML text (the template's comments kept), every setting applied in
 * order, and notes a user should read (created keys, placeholders left, {@code ${VAR}} that run.py expands).
 */
public record RenderedConfig(String template, String name, String yaml, List<AppliedSetting> applied, List<String> notes) {

    public RenderedConfig {
        applied = List.copyOf(applied);
        notes = List.copyOf(notes);
    }
}
