package dev.aitk.launcher.diagnose;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file an ai-toolkit failure names, in the words Python, diffusers and safetensors use: the quoted path of
 * {@code FileNotFoundError: [Errno 2] No such file or directory: '/data/images'} or of diffusers'
 * {@code Unable to load weights from checkpoint file for '...safetensors'}.
 */
final class FileMention {
    private static final Pattern MISSING = Pattern.compile("No such file or directory: '([^']+)'");
    private static final Pattern WEIGHTS = Pattern.compile(
            "'([^'\\n]+\\.(?:safetensors|pt|pth|bin|ckpt))'");
    private static final Pattern STEP_CHECKPOINT = Pattern.compile(".*_\\d{9}\\.safetensors$");

    private FileMention() {
    }

    /** The path a "No such file or directory" error names. */
    static Optional<String> missing(String text) {
        return first(MISSING, text);
    }

    /** The first quoted weights file ({@code .safetensors}, {@code .pt}, ...) the text names. */
    static Optional<String> weights(String text) {
        return first(WEIGHTS, text);
    }

    /** A checkpoint ai-toolkit saved during training ({@code NAME_000000250.safetensors}). */
    static boolean isStepCheckpoint(String path) {
        return STEP_CHECKPOINT.matcher(path.replace('\\', '/')).matches();
    }

    private static Optional<String> first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
