package dev.aitk.launcher.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Redaction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One training run as the supervisor starts it. {@code command} is the interpreter followed by run.py and
 * its arguments ({@code [/venv/bin/python, run.py, config.yaml]}); the supervisor puts its parent-death shim
 * between the two. {@code checkpointDirectory} is {@code <training_folder>/<config.name>} where run.py writes
 * {@code <name>_000000250.safetensors}. {@code plan} is the plan the run starts with as the JSON document the plan
 * stage writes (null when there is none): supervise records it in run.json without knowing its type, and the
 * launch side, which holds the typed plan, converts it once when it builds the spec and again on each re-plan.
 * {@code inheritedEnvironment} is the part of {@code environment} the launcher passed on from the user untouched:
 * run.json records only what differs from it (what the launcher set or changed), never the user's own variables,
 * which may hold passwords under any name.
 */
public record RunSpec(
        String name,
        List<String> command,
        Path workingDirectory,
        Map<String, String> environment,
        Map<String, String> inheritedEnvironment,
        Path logDirectory,
        Path recordFile,
        Path checkpointDirectory,
        JsonNode plan) {

    public RunSpec {
        if (command.size() < 2) {
            throw new IllegalArgumentException("a run needs an interpreter and a script, got " + command);
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        inheritedEnvironment = Map.copyOf(inheritedEnvironment);
    }

    /** What the launcher set or changed against the inherited environment, safe to record. */
    public Map<String, String> environmentChanges() {
        return Redaction.changes(inheritedEnvironment, environment);
    }

    public RunSpec withEnvironment(Map<String, String> changes) {
        Map<String, String> env = new TreeMap<>(environment);
        changes.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        return new RunSpec(name, command, workingDirectory, env, inheritedEnvironment, logDirectory, recordFile, checkpointDirectory, plan);
    }

    public RunSpec withCommand(List<String> newCommand, JsonNode newPlan) {
        return new RunSpec(name, newCommand, workingDirectory, environment, inheritedEnvironment, logDirectory, recordFile,
                checkpointDirectory, newPlan);
    }
}
