package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Something a run downloads from the Hub: a whole repo ({@code org/name}) or one file in it
 * ({@code org/name/path/file.safetensors}, as ai-toolkit's assistant_lora_path and qtype adapters are written),
 * with the config key it came from ({@code model.name_or_path}) so messages can point at it.
 */
public record ModelReference(String repoId, Optional<String> filePath, String revision, String source) {
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public static final String DEFAULT_REVISION = "main";

    /** Parses {@code org/name} or {@code org/name/file}; anything else is a usage error naming the source. */
    public static ModelReference parse(String text, String revision, String source) {
        String t = text.strip();
        String[] parts = t.split("/", 3);
        if (parts.length < 2 || !REPO_PART.matcher(parts[0]).matches() || !REPO_PART.matcher(parts[1]).matches()
                || parts[1].endsWith(".git")) {
            throw new LauncherException(ExitCode.USAGE, "'" + text + "' (" + source
                    + ") is neither a Hub model id like black-forest-labs/FLUX.1-dev nor an existing local path; fix the name or the path");
        }
        Optional<String> file = parts.length == 3 && !parts[2].isEmpty()
                ? Optional.of(RepoPaths.requireSafe(parts[0] + "/" + parts[1], parts[2])) : Optional.empty();
        return new ModelReference(parts[0] + "/" + parts[1], file, revision, source);
    }

    /** How it reads in messages: {@code org/name}, or {@code org/name/file}. */
    public String display() {
        return repoId + filePath.map(f -> "/" + f).orElse("") + (revision.equals(DEFAULT_REVISION) ? "" : "@" + revision);
    }
}
