package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes run.json beside the checkpoints after every attempt (atomically, so a reader never sees half a
 * record): the run's status, every attempt, the final checkpoint, the steps, throughput and newest loss.
 */
final class RunRecorder {
    private static final Pattern CHECKPOINT_STEP = Pattern.compile("_(\\d{9})\\.safetensors$");

    private final Clock clock;
    private final Path recordFile;
    private final String startedAt;

    /** {@code recordFile} null: nothing is written, the record is only returned. */
    RunRecorder(Clock clock, Path recordFile) {
        this.clock = clock;
        this.recordFile = recordFile;
        this.startedAt = clock.instant().toString();
    }

    /** The run ended: status from the exit code (succeeded, interrupted or failed). */
    RunRecord finish(RunSpec last, List<AttemptRecord> attempts, List<String> childCommand, ExitCode exit,
                     FailureKind cause, String message) {
        String status = exit == ExitCode.OK ? "succeeded" : exit == ExitCode.INTERRUPTED ? "interrupted" : "failed";
        return write(last, attempts, childCommand, status, exit, cause, message);
    }

    /** The run goes on after a failed attempt. */
    RunRecord running(RunSpec last, List<AttemptRecord> attempts, List<String> childCommand, String message) {
        return write(last, attempts, childCommand, "running", ExitCode.OK, null, message);
    }

    private RunRecord write(RunSpec last, List<AttemptRecord> attempts, List<String> childCommand, String status,
                            ExitCode exit, FailureKind cause, String message) {
        AttemptRecord lastAttempt = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        Long steps = null;
        Long total = null;
        Double sps = null;
        Double loss = null;
        for (AttemptRecord a : attempts) {
            if (a.lastStep() != null) {
                steps = a.lastStep();
                total = a.totalSteps();
            }
            if (a.secondsPerStep() != null) {
                sps = a.secondsPerStep();
            }
            if (a.lastLoss() != null) {
                loss = a.lastLoss();
            }
        }
        RunRecord record = new RunRecord(last.name(), status, exit.code(), cause, message,
                cause == null || exit == ExitCode.OK ? null : cause.fix(), last.command(), childCommand,
                last.workingDirectory().toString(), last.environmentChanges(),
                last.logDirectory().toString(), last.plan(), attempts,
                "succeeded".equals(status) || lastAttempt != null ? finalCheckpoint(last) : null, steps, total, sps,
                loss, startedAt, "running".equals(status) ? null : clock.instant().toString());
        if (recordFile != null) {
            AtomicFiles.write(recordFile, Json.write(record) + "\n");
        }
        return record;
    }

    /** The finished LoRA ({@code <name>.safetensors}) if there, else the newest step checkpoint, else null. */
    static String finalCheckpoint(RunSpec spec) {
        Path dir = spec.checkpointDirectory();
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        Path finished = dir.resolve(spec.name() + ".safetensors");
        if (Files.isRegularFile(finished)) {
            return finished.toString();
        }
        Path newest = newestStepCheckpoint(dir, spec.name());
        return newest == null ? null : newest.toString();
    }

    /** The step checkpoint ({@code NAME_000000250.safetensors}) with the highest step in {@code dir}, or null. */
    static Path newestStepCheckpoint(Path dir, String name) {
        Path newest = null;
        long newestStep = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name + "_*.safetensors")) {
            for (Path f : files) {
                Matcher m = CHECKPOINT_STEP.matcher(f.getFileName().toString());
                if (m.find() && Long.parseLong(m.group(1)) > newestStep) {
                    newestStep = Long.parseLong(m.group(1));
                    newest = f;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return newest;
    }
}
