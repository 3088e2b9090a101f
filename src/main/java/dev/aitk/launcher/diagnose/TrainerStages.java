package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.supervise.LineSplitter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Watches the lines ai-toolkit prints while it loads a model, so a failure can be placed: which model it
 * announced ({@code Loading Flux Kontext model}) and what it was doing last ({@code Quantizing T5}, caching
 * latents, training). Passes every line on to the sink that follows the run.
 */
final class TrainerStages implements LineSplitter.LineSink {
    /** The announcements and stage lines of ai-toolkit's FLUX-family loaders, in what they mean to a reader. */
    private record Stage(String prefix, String doing) {
    }

    private static final List<Stage> STAGES = List.of(
            new Stage("Loading transformer", "loading the transformer"),
            new Stage("Quantizing transformer", "quantizing the transformer"),
            new Stage("Loading T5", "loading the text encoders"),
            new Stage("Loading t5", "loading the text encoders"),
            new Stage("Loading CLIP", "loading the text encoders"),
            new Stage("Loading Qwen3", "loading the text encoder"),
            new Stage("Loading Mistral", "loading the text encoder"),
            new Stage("Quantizing T5", "quantizing the T5 text encoder"),
            new Stage("Loading VAE", "loading the VAE"),
            new Stage("Loading vae", "loading the VAE"),
            new Stage("Caching latents", "caching latents"),
            new Stage("Caching text_embeddings", "caching text embeddings"),
            new Stage("Caching text embeddings", "caching text embeddings"),
            new Stage("Generating baseline samples", "sampling before training"),
            new Stage("Generating Images", "sampling"));

    private final LineSplitter.LineSink next;
    private String announced;
    private boolean flux2Announced;
    private String doing;

    TrainerStages(LineSplitter.LineSink next) {
        this.next = next;
    }

    @Override
    public void line(byte[] bytes, int length, boolean truncated) {
        // tqdm redraws can be millions of lines: look at their bytes, decode only the short plain lines.
        if (contains(bytes, length, BAR)) {
            if (contains(bytes, length, LOSS)) {
                doing = "training";
            }
        } else if (length > 0 && length < 200 && bytes[0] != ' ') {
            look(new String(bytes, 0, length, StandardCharsets.UTF_8).strip());
        }
        next.line(bytes, length, truncated);
    }

    private static final byte[] BAR = "%|".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOSS = "loss:".getBytes(StandardCharsets.US_ASCII);

    private static boolean contains(byte[] bytes, int length, byte[] word) {
        outer:
        for (int i = 0; i + word.length <= length; i++) {
            for (int j = 0; j < word.length; j++) {
                if (bytes[i + j] != word[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void partial(byte[] bytes, int length) {
        next.partial(bytes, length);
    }

    private void look(String line) {
        switch (line) {
            case "Loading Flux Kontext model" -> announced = "flux_kontext";
            case "Loading Flux model" -> announced = "flux";
            // Flex.2 and FLUX.2 both announce "Flux2"; Flex.2 then loads T5, FLUX.2 loaded Qwen3/Mistral before.
            case "Loading Flux2 model" -> flux2Announced = true;
            case "Loading Qwen3", "Loading Mistral" -> announced = "flux2";
            default -> {
            }
        }
        if (flux2Announced && announced == null && line.equals("Loading T5")) {
            announced = "flex2";
        }
        for (Stage s : STAGES) {
            if (line.startsWith(s.prefix())) {
                doing = s.doing();
                return;
            }
        }
    }

    /** ai-toolkit's arch for the model the log announced ({@code flux}, {@code flux_kontext}, ...), or null. */
    String announcedArch() {
        return announced;
    }

    /** What the trainer was doing last ("quantizing the transformer", "training"), or null. */
    String lastStage() {
        return doing;
    }
}
