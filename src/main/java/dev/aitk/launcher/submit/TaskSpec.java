package dev.aitk.launcher.submit;

import java.nio.file.Path;
import java.util.List;

/**
 * One run of an array: its index ({@code SLURM_ARRAY_TASK_ID}), the run name ({@code config.name}), the
 * rendered config it runs, the folder where ai-toolkit writes its checkpoints and the launcher its
 * {@code run.json}, the model it trains on, and the settings that make it differ from its siblings.
 */
public record TaskSpec(int index, String name, Path config, Path runDir, String model, List<SweepSetting> settings) {
    public TaskSpec {
        settings = List.copyOf(settings);
    }
}
