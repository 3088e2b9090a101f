package dev.aitk.launcher.supervise;

import java.util.Optional;

/** One thing an ai-toolkit log line says, as {@link LogClassifier} reads it. */
public sealed interface LogEvent {

    /** The failure this line shows, if it shows one. */
    default Optional<FailureKind> failure() {
        return Optional.empty();
    }

    /**
     * A tqdm update. {@code training} is true for the step bar (its postfix carries the loss); download and
     * caching bars count only as activity. {@code download} is true for a Hub transfer (a bar counting bytes,
     * or huggingface_hub's "Fetching N files"). {@code loss} may be NaN or infinite: that is a failure.
     */
    record Progress(String description, long step, long total, Double secondsPerStep, Long etaSeconds,
                    Double learningRate, Double loss, boolean training, boolean download) implements LogEvent {
        @Override
        public Optional<FailureKind> failure() {
            return loss != null && !Double.isFinite(loss) ? Optional.of(FailureKind.NAN_LOSS) : Optional.empty();
        }
    }

    /** {@code Saving at step N}: a checkpoint is being written; a stop now waits for it. */
    record SaveStarted(long step) implements LogEvent {
    }

    /** {@code Saved checkpoint to PATH}. */
    record SaveFinished(String path) implements LogEvent {
        /**
         * The LoRA saved after the last step ({@code NAME.safetensors}, no {@code _000000250} step number): the
         * real run.py prints nothing after it on success (no "completed job" summary), so a log shows its
         * finish by this line.
         */
        public boolean isFinal() {
            String unix = path.replace('\\', '/');
            String name = unix.substring(unix.lastIndexOf('/') + 1);
            return name.endsWith(".safetensors") && !name.matches(".*_\\d{9}\\.safetensors");
        }
    }

    /** {@code #### IMPORTANT RESUMING FROM PATH ####}. */
    record Resuming(String path) implements LogEvent {
    }

    /** {@code Found step N in metadata, starting from there}. */
    record ResumeStep(long step) implements LogEvent {
    }

    /** ai-toolkit's non-fatal {@code # OOM during training step, skipping batch N/3 #}. */
    record OomSkipped(int attempt, int limit) implements LogEvent {
    }

    /** {@code Job stopped}: run.py's answer to SIGINT. */
    record JobStopped() implements LogEvent {
    }

    /** run.py's closing summary ({@code - 1 completed job}; ai-toolkit before 2026 printed it on success). */
    record JobCompleted() implements LogEvent {
    }

    /** {@code Traceback (most recent call last):}. */
    record TracebackStart() implements LogEvent {
    }

    /** {@code Error running job: MESSAGE}; {@code kind} is what the message shows, CRASHED when unknown. */
    record JobError(String message, FailureKind kind) implements LogEvent {
        @Override
        public Optional<FailureKind> failure() {
            return Optional.of(kind);
        }
    }

    /** A line that shows a failure anywhere in the output (a traceback's last line, a hub error). */
    record Failure(FailureKind kind, String line) implements LogEvent {
        @Override
        public Optional<FailureKind> failure() {
            return Optional.of(kind);
        }
    }
}
