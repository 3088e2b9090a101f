package dev.aitk.launcher.diagnose;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A run record (run.json) explained: every attempt, how the run ended, and the fix for its last failure. */
final class RecordDiagnosis {
    private final Environment env;
    private final FixFinder fixes;

    RecordDiagnosis(Environment env, FixFinder fixes) {
        this.env = env;
        this.fixes = fixes;
    }

    Diagnosis read(Path file) throws IOException {
        RunRecord r;
        try {
            r = Json.mapper().readValue(file.toFile(), RunRecord.class);
        } catch (JsonProcessingException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " is JSON but not a run record written by "
                    + "'launch' (" + e.getOriginalMessage() + "); pass the run's log.txt instead");
        }
        if (r.attempts() == null || r.status() == null) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " is JSON but not a run record written by "
                    + "'launch' (no status or attempts); pass the run's log.txt instead");
        }
        List<String> details = new ArrayList<>();
        AttemptRecord last = r.attempts().isEmpty() ? null : r.attempts().get(r.attempts().size() - 1);
        for (AttemptRecord a : r.attempts()) {
            details.add("attempt " + a.number() + ": " + (a.succeeded() ? "finished" : a.cause().title())
                    + (a.lastStep() == null ? "" : " at step " + a.lastStep())
                    + (a.nextAction() == null ? "" : "; then " + a.nextAction()));
        }
        String outcome = switch (r.status()) {
            case "succeeded" -> "finished";
            case "interrupted" -> "interrupted";
            case "running" -> "unfinished";
            default -> "failed";
        };
        if (r.finalCheckpoint() != null) {
            details.add(("finished".equals(outcome) ? "the LoRA: " : "newest checkpoint: ") + r.finalCheckpoint());
        }
        FailureKind kind = r.cause();
        TrainedModel model = TrainedModel.of(file, null, env);
        String fix = r.fix();
        if (kind != null && !"finished".equals(outcome)) {
            List<String> traceback = last == null ? List.of() : last.traceback();
            String text = String.join("\n", traceback) + "\n" + r.message() + "\n" + (last == null ? "" : last.detail());
            FixFinder.Fix found = fixes.find(kind, text, model, r.finalCheckpoint(), null);
            details.addAll(found.details());
            fix = found.fix();
        }
        return new Diagnosis(file.toString(), "run record", outcome, kind, kind == null ? null : kind.title(),
                r.message(), r.stepsDone(), r.totalSteps(), last == null ? null : last.resumedFromStep(),
                last == null ? 0 : last.oomSkippedBatches(), r.finalCheckpoint(),
                model.summary(),
                kind == null ? null : kind.recovery().description(), fix, details,
                last == null ? List.of() : last.traceback());
    }
}
