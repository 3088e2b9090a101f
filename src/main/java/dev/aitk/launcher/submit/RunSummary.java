package dev.aitk.launcher.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few facts {@code status} shows from a run's {@code run.json} (written by {@code launch} beside the
 * checkpoints): status (running, succeeded, failed, interrupted), steps done of how many, final checkpoint,
 * attempts and the failure message. Read loosely, by several spellings, so an older or newer record still
 * shows what it can; {@code found} is false while the run has not started; {@code error} says why a record
 * could not be read (a record being replaced is never half-written, but may be from another tool).
 */
public record RunSummary(String file, boolean found, String state, Long stepsDone, Long totalSteps,
                         String finalCheckpoint, Integer attempts, String message, String error) {
    public static final String FILE_NAME = "run.json";

    public static RunSummary read(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return new RunSummary(file.toString(), false, null, null, null, null, null, null, null);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            return new RunSummary(file.toString(), true, null, null, null, null, null, null,
                    "unreadable: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            return new RunSummary(file.toString(), true, null, null, null, null, null, null, "not a JSON object");
        }
        String state = text(root, "status", "state", "outcome", "result");
        Long steps = number(root, "stepsDone", "steps_done", "step", "lastStep", "steps");
        Long total = number(root, "totalSteps", "total_steps", "stepsTotal");
        String checkpoint = text(root, "finalCheckpoint", "final_checkpoint", "checkpoint", "lastCheckpoint");
        Integer attempts = root.path("attempts").isArray() ? root.path("attempts").size() : null;
        String message = text(root, "message", "error", "reason");
        return new RunSummary(file.toString(), true, state, steps, total, checkpoint, attempts, message, null);
    }

    private static String text(JsonNode node, String... names) {
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v != null && v.isValueNode() && !v.isNull()) {
                return v.asText();
            }
        }
        return null;
    }

    private static Long number(JsonNode node, String... names) {
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v != null && v.isIntegralNumber()) {
                return v.asLong();
            }
        }
        return null;
    }
}
