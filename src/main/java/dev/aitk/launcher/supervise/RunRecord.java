package dev.aitk.launcher.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Redaction;
import java.util.List;
import java.util.Map;

/**
 * run.json, written beside the checkpoints after every attempt: the plan, every attempt with its cause and
 * recovery, the final checkpoint, steps done, throughput and the newest loss. The environment holds only what the launcher set or changed (secrets masked), never the user's own variables.
 * {@code command} is what was asked for; {@code childCommand} the exact argv started (setsid and the
 * parent-death shim in front of run.py).
 * {@code status} is "running", "succeeded", "failed" or "interrupted".
 */
public record RunRecord(
        String name,
        String status,
        int exitCode,
        FailureKind cause,
        String message,
        String fix,
        List<String> command,
        List<String> childCommand,
        String workingDirectory,
        Map<String, String> environment,
        String logDirectory,
        JsonNode plan,
        List<AttemptRecord> attempts,
        String finalCheckpoint,
        Long stepsDone,
        Long totalSteps,
        Double secondsPerStep,
        Double lastLoss,
        String startedAt,
        String endedAt) {

    public RunRecord {
        message = Redaction.urlCredentials(message);
        command = List.copyOf(command);
        childCommand = childCommand == null ? List.of() : List.copyOf(childCommand);
        attempts = List.copyOf(attempts);
    }

    public ExitCode exit() {
        for (ExitCode c : ExitCode.values()) {
            if (c.code() == exitCode) {
                return c;
            }
        }
        return ExitCode.INTERNAL;
    }
}
