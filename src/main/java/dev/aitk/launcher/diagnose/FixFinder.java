package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.OomEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fix for one failure, made specific with what the log names: the card and model of an out-of-memory
 * error (the planner's settings for them), the repository page of a gated model, where a stopped run resumes.
 * Without such facts the failure kind's own fix stands.
 */
final class FixFinder {
    /** A fix and the facts found on the way (shown as details). */
    record Fix(String fix, List<String> details) {
        Fix {
            details = List.copyOf(details);
        }
    }

    private final MemoryAdvice memoryAdvice;

    /** {@code memoryAdvice} null: out-of-memory fixes stay generic. */
    FixFinder(MemoryAdvice memoryAdvice) {
        this.memoryAdvice = memoryAdvice;
    }

    /**
     * @param text        the failure's evidence, traceback and last lines, where names and numbers are found
     * @param checkpoint  the newest checkpoint written, null when none
     * @param resumedFrom the checkpoint the attempt resumed from ({@code RESUMING FROM}), null when none or unknown
     */
    Fix find(FailureKind kind, String text, TrainedModel model, String checkpoint, String resumedFrom) {
        List<String> details = new ArrayList<>();
        String fix = kind.fix();
        switch (kind) {
            case OUT_OF_MEMORY -> {
                Optional<OomEvidence> oom = OomEvidence.in(text);
                oom.ifPresent(e -> details.add(e.describe()));
                if (memoryAdvice != null && oom.isPresent() && oom.get().cardCapacityGib() != null) {
                    fix = memoryAdvice.forCard(model, oom.get().cardCapacityGib()).orElse(fix);
                    if (model == TrainedModel.UNKNOWN) {
                        details.add(model.source() + ": the advice is for FLUX.1-dev");
                    }
                }
            }
            case GATED_REPO, HUB_FILE_NOT_SERVED -> {
                Optional<String> repo = RepoMention.in(text);
                if (repo.isPresent()) {
                    fix = "open " + RepoMention.page(repo.get()) + ", accept its license with your account, then "
                            + "set HF_TOKEN to a read token of that account";
                    if (kind == FailureKind.HUB_FILE_NOT_SERVED) {
                        fix += " (a fine-grained token needs 'public gated repositories'); if you have access, check "
                                + "that model.name_or_path is " + repo.get() + " and the connection or proxy";
                    }
                }
            }
            case DAMAGED_FILE -> {
                // safetensors' own error names no file; then it is the checkpoint the run was resuming from.
                String file = FileMention.weights(text).orElse(resumedFrom);
                if (file != null) {
                    details.add("the damaged file: " + file);
                    fix = file.equals(resumedFrom) || FileMention.isStepCheckpoint(file)
                            ? "move " + file + " out of the training folder (it was cut off while saving): ai-toolkit "
                                    + "then resumes from the checkpoint before it, or starts anew"
                            : "delete " + file + " (cut off while downloading or copying) and run 'aitk-launcher "
                                    + "prefetch' again, or copy that file whole again";
                }
            }
            case MISSING_FILE -> FileMention.missing(text).ifPresent(path -> details.add("not found: " + path
                    + " (a path in the config: datasets[*].folder_path, control_path, mask_path or "
                    + "model.name_or_path)"));
            case CONFIG_INVALID -> {
                if (text.contains("StableDiffusion") && text.contains("were passed")) {
                    fix = "set model.arch to an architecture ai-toolkit has (flux, flux_kontext, flex2, flux2 ...): "
                            + "with an unknown one it loads the model as Stable Diffusion and finds no unet; "
                            + "'aitk-launcher validate CONFIG' names the closest";
                }
            }
            case INTERRUPTED -> fix = checkpoint == null
                    ? "run the same command again to start it anew (no checkpoint was written yet)"
                    : "run the same command again to resume: ai-toolkit goes on from " + checkpoint;
            default -> {
            }
        }
        return new Fix(fix, details);
    }
}
