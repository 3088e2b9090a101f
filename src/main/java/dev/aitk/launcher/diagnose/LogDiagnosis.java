package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.supervise.AttemptVerdict;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.LineSplitter;
import dev.aitk.launcher.supervise.LogWatcher;
import dev.aitk.launcher.supervise.RunSnapshot;
import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A log explained: read through the same splitter, watcher and verdict the live supervisor uses, so
 * {@code diagnose} and {@code launch} name a failure alike; then made specific with the model and stage.
 */
final class LogDiagnosis {
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_LINE = 16 * 1024;

    private final Environment env;
    private final FixFinder fixes;

    LogDiagnosis(Environment env, FixFinder fixes) {
        this.env = env;
        this.fixes = fixes;
    }

    Diagnosis read(Path file) throws IOException {
        Reading reading = new Reading();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[CHUNK];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                reading.feed(chunk, n);
            }
        }
        return reading.explain(file.toString(), file);
    }

    Diagnosis read(String name, byte[] text) {
        Reading reading = new Reading();
        reading.feed(text, text.length);
        return reading.explain(name, null);
    }

    /** One pass over a log: the stages tracker in front of the supervisor's own watcher. */
    private final class Reading {
        private final LogWatcher watcher = new LogWatcher(null, MAX_LINE, System::nanoTime);
        private final TrainerStages stages = new TrainerStages(watcher);
        private final LineSplitter splitter = new LineSplitter(MAX_LINE, stages);

        void feed(byte[] chunk, int length) {
            watcher.counted(length);
            splitter.feed(chunk, 0, length);
        }

        Diagnosis explain(String name, Path file) {
            splitter.finish();
            return LogDiagnosis.this.explain(name, watcher.snapshot(), stages,
                    TrainedModel.of(file, stages.announcedArch(), env));
        }
    }

    private Diagnosis explain(String file, RunSnapshot s, TrainerStages stages, TrainedModel model) {
        AttemptVerdict verdict = AttemptVerdict.of(null, s);
        FailureKind kind = verdict.cause();
        String outcome = verdict.finished() ? "finished" : kind == FailureKind.INTERRUPTED ? "interrupted"
                : kind == null ? "unfinished" : "failed";
        List<String> details = new ArrayList<>();
        if (s.step() != null) {
            details.add("last step " + s.step() + " of " + s.totalSteps() + (s.secondsPerStep() == null ? ""
                    : String.format(Locale.ROOT, " (%.2f s/step)", s.secondsPerStep())));
        }
        if (s.resumedFromStep() != null) {
            details.add("resumed from step " + s.resumedFromStep() + " (" + s.resumedFrom() + ")");
        }
        if (s.oomSkippedBatches() > 0) {
            details.add(s.oomSkippedBatches() + " batch(es) skipped after a non-fatal out-of-memory error: the run "
                    + "is at the edge of the card's memory");
        }
        if (s.lastCheckpoint() != null) {
            details.add("newest checkpoint: " + s.lastCheckpoint());
        }
        if (kind != null && kind != FailureKind.INTERRUPTED && stages.lastStage() != null) {
            details.add("it failed while " + stages.lastStage()
                    + (stages.lastStage().equals("training") && s.step() != null ? " (step " + s.step() + ")" : ""));
        }
        String fix = null;
        if (kind == null && !verdict.finished() && s.downloading() != null) {
            details.add("the log stops while downloading " + s.downloading() + ": if the run hangs there, "
                    + "it is a Xet stall (" + FailureKind.XET_STALLED.title() + ")");
            fix = FailureKind.XET_STALLED.fix();
        }
        if (kind != null) {
            String text = String.join("\n", s.lastTraceback()) + "\n" + s.failureLine() + "\n"
                    + String.join("\n", s.lastLines());
            FixFinder.Fix found = fixes.find(kind, text, model, s.lastCheckpoint(), s.resumedFrom());
            details.addAll(found.details());
            fix = found.fix();
        }
        String evidence = s.failureLine() != null ? s.failureLine().strip() : kind == null ? null : verdict.detail();
        return new Diagnosis(file, "log", outcome, kind, kind == null ? null : kind.title(), evidence, s.step(),
                s.totalSteps(), s.resumedFromStep(), s.oomSkippedBatches(), s.lastCheckpoint(),
                model.summary(),
                kind == null ? null : kind.recovery().description(), fix, details, s.lastTraceback());
    }
}
