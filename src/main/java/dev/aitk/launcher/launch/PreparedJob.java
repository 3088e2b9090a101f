package dev.aitk.launcher.launch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.aitk.launcher.config.AppliedSetting;
import dev.aitk.launcher.toolkit.ChildEnvironment;
import java.util.List;

/**
 * One run.py process, the one model of a job from plan to run: its config (path, template, every setting with
 * its reason), its training_folder as run.py reads it (a relative one is inside the toolkit folder), the
 * validation findings (with the validate stage's own report for --json), and exactly what would be run: working
 * directory, command, and the environment (secrets already hidden). {@code yaml} is the config text to write;
 * JSON output leaves it out, and {@code replanning} (null for an existing --config file) holds the typed plan
 * the job starts with and how to render a smaller one after an OOM.
 */
public record PreparedJob(
        String name,
        String config,
        String trainingFolder,
        String template,
        List<Integer> gpuIndices,
        List<AppliedSetting> settings,
        List<String> notes,
        List<String> findings,
        boolean findingsHaveErrors,
        Object validation,
        String workingDirectory,
        List<String> command,
        String commandLine,
        List<ChildEnvironment.Variable> environment,
        List<String> environmentNotes,
        @JsonIgnore String yaml,
        @JsonIgnore Replanning replanning) {

    public PreparedJob {
        gpuIndices = List.copyOf(gpuIndices);
        settings = List.copyOf(settings);
        notes = List.copyOf(notes);
        findings = List.copyOf(findings);
        command = List.copyOf(command);
        environment = environment.stream().map(ChildEnvironment.Variable::redacted).toList();
        environmentNotes = List.copyOf(environmentNotes);
    }

    /** The same job with the validate step's result. */
    public PreparedJob withCheck(ConfigCheck.Checked checked) {
        return new PreparedJob(name, config, trainingFolder, template, gpuIndices, settings, notes, checked.findings(),
                checked.hasErrors(), checked.report(), workingDirectory, command, commandLine, environment,
                environmentNotes, yaml, replanning);
    }

    /** The same job rendering another plan's settings (for the re-planner). */
    public PreparedJob withReplanning(Replanning r) {
        return new PreparedJob(name, config, trainingFolder, template, gpuIndices, settings, notes, findings, findingsHaveErrors,
                validation, workingDirectory, command, commandLine, environment, environmentNotes, yaml, r);
    }

    /** True when the config was rendered here (not an existing --config file) and must be written. */
    public boolean rendered() {
        return yaml != null;
    }
}
