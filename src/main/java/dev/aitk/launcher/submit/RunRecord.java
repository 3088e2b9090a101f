package dev.aitk.launcher.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few facts {@code status} shows from a run's {@code run.json} (written by {@code launch} beside the
 * checkpoints): outcome, steps done of how many, final checkpoint. Read loosely, by several spellings, so a
 * newer record format still shows what it can; {@code found} is false while the run has not started.
 */
public record RunRecord(String file, boolean found, String state, Long stepsDone, Long totalSteps,
                        String finalCheckpoint, String error) {
    public static final String FILE_NAME = "run.json";

    public static RunRecord read(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return new RunRecord(file.toString(), false, null, null, null, null, null);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            return new RunRecord(file.toString(), true, null, null, null, null,
                    "unreadable: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            return new RunRecord(file.toString(), true, null, null, null, null, "not a JSON object");
        }
        String state = text(root, "state", "status", "outcome", "result");
        if (state == null && root.path("outcome").isObject()) {
            state = text(root.path("outcome"), "state", "status", "kind", "result");
        }
        Long steps = number(root, "stepsDone", "steps_done", "step", "lastStep", "steps");
        Long total = number(root, "totalSteps", "total_steps", "stepsTotal");
        if (root.path("progress").isObject()) {
            steps = steps != null ? steps : number(root.path("progress"), "step", "stepsDone", "steps_done");
            total = total != null ? total : number(root.path("progress"), "total", "totalSteps", "total_steps");
        }
        String checkpoint = text(root, "finalCheckpoint", "final_checkpoint", "checkpoint", "lastCheckpoint");
        return new RunRecord(file.toString(), true, state, steps, total, checkpoint, null);
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
