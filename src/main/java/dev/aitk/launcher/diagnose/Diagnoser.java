package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.LineSplitter;
import dev.aitk.launcher.supervise.LogWatcher;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSnapshot;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code diagnose}: the supervisor's own classifier, offline, over any ai-toolkit log (streamed in bounded
 * memory, whatever its size) or a run record (run.json).
 */
public final class Diagnoser {
    /** The settings that decide memory, shown in the planner's advice after an OOM. */
    private static final java.util.List<String> MEMORY_KEYS = java.util.List.of("train.batch_size",
            "train.gradient_accumulation", "model.quantize", "model.quantize_te", "model.low_vram",
            "train.gradient_checkpointing", "datasets[*].resolution");
    private final dev.aitk.launcher.plan.Planner planner;

    /** Without a planner: OOM advice stays generic. */
    public Diagnoser() {
        this(null);
    }

    /** With the planner, an OOM log gets the settings the planner picks for that card, with headroom. */
    public Diagnoser(dev.aitk.launcher.plan.Planner planner) {
        this.planner = planner;
    }

    private static final int CHUNK = 64 * 1024;
    private static final int MAX_LINE = 16 * 1024;
    private static final Pattern OOM_NUMBERS = Pattern.compile(
            "Tried to allocate ([\\d.]+ [KMG]iB)\\. GPU (\\d+) has a total capacity of ([\\d.]+ [KMG]iB) of which "
                    + "([\\d.]+ [KMG]iB) is free");
    private static final Pattern GATED_MODEL = Pattern.compile(
            "(?:Access to model\\s+|gated repo for url \\S*?/)([\\w.-]+/[\\w.-]+)");

    /** Explains {@code file}; one clear sentence and exit 3 when it is missing or neither a log nor a record. */
    public Diagnosis diagnose(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " does not exist or is not a file; pass an "
                    + "ai-toolkit log (e.g. output/NAME/log.txt) or a run record (output/NAME/run.json)");
        }
        try {
            if (looksLikeJson(file)) {
                return fromRecord(file);
            }
            return fromLog(file);
        } catch (NoSuchFileException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " disappeared while reading it");
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    /** Streams a log through the same splitter and watcher the live supervisor uses. */
    public Diagnosis fromLog(Path file) throws IOException {
        LogWatcher watcher = new LogWatcher(null, MAX_LINE, System::nanoTime);
        LineSplitter splitter = new LineSplitter(MAX_LINE, watcher);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[CHUNK];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                watcher.counted(n);
                splitter.feed(chunk, 0, n);
            }
        }
        splitter.finish();
        return withPlannerAdvice(explain(file.toString(), "log", watcher.snapshot()));
    }

    /**
     * After an OOM whose message names the card's capacity, asks the planner for FLUX.1-dev on that card with
     * each process capped at 90% of the card's budget, and offers those settings as the fix.
     */
    private Diagnosis withPlannerAdvice(Diagnosis d) {
        if (planner == null || d.failure() != FailureKind.OUT_OF_MEMORY) {
            return d;
        }
        Matcher m = OOM_NUMBERS.matcher(String.join("\n", d.traceback()) + "\n" + d.evidence());
        if (!m.find() || !m.group(3).endsWith("GiB")) {
            return d;
        }
        double cardGib = Double.parseDouble(m.group(3).replace(" GiB", ""));
        try {
            dev.aitk.launcher.hardware.GpuInventory card = new dev.aitk.launcher.hardware.GpuInventory(
                    List.of(new dev.aitk.launcher.hardware.GpuInfo(0, "the card in the log", null,
                            Math.round(cardGib * 1024), 0L, Math.round(cardGib * 1024), null, null, null,
                            dev.aitk.launcher.hardware.Source.FLAGS)),
                    dev.aitk.launcher.hardware.Source.FLAGS,
                    new dev.aitk.launcher.hardware.HostInfo(null, null, null, dev.aitk.launcher.hardware.Source.NONE),
                    List.of("the card's capacity from the OOM message"));
            double cap = 0.9 * dev.aitk.launcher.plan.MemoryBudget.forCard(cardGib).usableGib();
            dev.aitk.launcher.plan.TrainingPlan plan = planner.plan(card, dev.aitk.launcher.plan.PlanRequest
                    .of(dev.aitk.launcher.plan.ModelVariant.DEV).withMemoryCapGib(cap));
            List<String> settings = new ArrayList<>();
            for (String key : MEMORY_KEYS) {
                dev.aitk.launcher.plan.Choice c = plan.choice(key);
                if (c != null) {
                    settings.add(key + ": " + c.value());
                }
            }
            String fix = String.format(java.util.Locale.ROOT, "the planner's settings for FLUX.1-dev on this "
                    + "%.1f GiB card with 10%% headroom (predicted peak %.1f GiB): %s; 'aitk-launcher plan "
                    + "--gpu-memory %dGB' shows the whole plan, and 'launch' re-plans like this by itself",
                    cardGib, plan.prediction().memory().processPeakGib(), String.join(", ", settings),
                    (long) Math.ceil(cardGib));
            return new Diagnosis(d.file(), d.source(), d.outcome(), d.failure(), d.title(), d.evidence(), d.step(),
                    d.totalSteps(), d.resumedFromStep(), d.oomSkippedBatches(), d.lastCheckpoint(),
                    d.whatTheLauncherDoes(), fix, d.details(), d.traceback());
        } catch (RuntimeException e) {
            return d;
        }
    }

    /** Explains what a log's worth of text says (the troubleshooting guide's examples are checked this way). */
    public Diagnosis fromText(String name, String text) {
        LogWatcher watcher = new LogWatcher(null, MAX_LINE, System::nanoTime);
        LineSplitter splitter = new LineSplitter(MAX_LINE, watcher);
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        splitter.feed(bytes, 0, bytes.length);
        splitter.finish();
        return explain(name, "log", watcher.snapshot());
    }

    static Diagnosis explain(String file, String source, RunSnapshot s) {
        FailureKind kind = s.failure();
        String outcome;
        if (kind == FailureKind.INTERRUPTED || (kind == null && s.jobStopped())) {
            outcome = "interrupted";
            kind = FailureKind.INTERRUPTED;
        } else if (kind != null && (s.jobError() || !s.jobCompleted())) {
            outcome = "failed";
        } else if (s.jobCompleted()) {
            outcome = "finished";
            kind = null;
        } else if (!s.lastTraceback().isEmpty()) {
            outcome = "failed";
            kind = FailureKind.CRASHED;
        } else {
            outcome = "unfinished";
        }
        List<String> details = new ArrayList<>();
        if (s.step() != null) {
            details.add("last step " + s.step() + " of " + s.totalSteps()
                    + (s.secondsPerStep() == null ? "" : String.format(java.util.Locale.ROOT, " (%.2f s/step)",
                    s.secondsPerStep())));
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
        String evidence = s.failureLine() == null ? null : s.failureLine().strip();
        String fix = kind == null ? null : kind.fix();
        if (kind == FailureKind.OUT_OF_MEMORY) {
            String text = String.join("\n", s.lastTraceback()) + "\n" + (evidence == null ? "" : evidence);
            Matcher m = OOM_NUMBERS.matcher(text);
            if (m.find()) {
                details.add("it needed " + m.group(1) + " more on GPU " + m.group(2) + " with " + m.group(4)
                        + " free of " + m.group(3));
            }
        }
        if (kind == FailureKind.GATED_REPO && evidence != null) {
            String text = String.join("\n", s.lastTraceback()) + "\n" + evidence + "\n" + String.join("\n", s.lastLines());
            Matcher m = GATED_MODEL.matcher(text);
            if (m.find()) {
                fix = "open the model page of " + m.group(1) + " on the Hugging Face Hub, accept its license with "
                        + "your account, then set HF_TOKEN to a read token of that account";
            }
        }
        return new Diagnosis(file, source, outcome, kind, kind == null ? null : kind.title(), evidence, s.step(),
                s.totalSteps(), s.resumedFromStep(), s.oomSkippedBatches(), s.lastCheckpoint(),
                kind == null ? null : kind.recovery().description(), fix, details, s.lastTraceback());
    }

    private Diagnosis fromRecord(Path file) throws IOException {
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
        return new Diagnosis(file.toString(), "run record", outcome, kind, kind == null ? null : kind.title(),
                r.message(), r.stepsDone(), r.totalSteps(), last == null ? null : last.resumedFromStep(),
                last == null ? 0 : last.oomSkippedBatches(), r.finalCheckpoint(),
                kind == null ? null : kind.recovery().description(), r.fix(), details,
                last == null ? List.of() : last.traceback());
    }

    private static boolean looksLikeJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int c;
            while ((c = in.read()) >= 0) {
                if (!Character.isWhitespace(c)) {
                    return c == '{';
                }
            }
        }
        return false;
    }
}
