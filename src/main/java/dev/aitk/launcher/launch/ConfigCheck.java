package dev.aitk.launcher.launch;

import dev.aitk.launcher.hardware.GpuInventory;
import java.nio.file.Path;
import java.util.List;

/**
 * The validate step of the launch pipeline: findings about a config file on disk, printed without stopping a
 * dry run. {@link ValidatorCheck} runs the validate stage; tests pass their own.
 */
public interface ConfigCheck {

    /**
     * Checks {@code config} (already written) against the GPUs the launch detected.
     *
     * @param toolkitDir run.py's working directory, against which relative dataset paths resolve; null if unknown
     */
    Checked check(Path config, GpuInventory gpus, Path toolkitDir);

    /**
     * The findings as one line each (severity, place, message, fix), whether any is an error, and the stage's
     * own report for --json (null when there is none).
     */
    record Checked(List<String> findings, boolean hasErrors, Object report) {
        public Checked {
            findings = List.copyOf(findings);
        }
    }
}
