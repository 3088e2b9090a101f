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
     * @param text       the failure's evidence, traceback and last lines, where names and numbers are found
     * @param checkpoint the newest checkpoint written, null when none
     */
    Fix find(FailureKind kind, String text, TrainedModel model, String checkpoint) {
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
            case INTERRUPTED -> fix = checkpoint == null
                    ? "run the same command again to start it anew (no checkpoint was written yet)"
                    : "run the same command again to resume: ai-toolkit goes on from " + checkpoint;
            default -> {
            }
        }
        return new Fix(fix, details);
    }
}
