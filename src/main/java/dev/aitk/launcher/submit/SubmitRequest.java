package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code submit} was asked to do, paths already absolute.
 *
 * @param name       the base run name (job name, and the name of runs rendered from the dataset)
 * @param configs    {@code --array}: one task per config (and sweep point)
 * @param sweep      {@code --sweep}: every config once per combination of values
 * @param gpuMemory  each node GPU's memory, for the plan preview; null for no preview
 * @param prefetch   submit one prefetch job per model before the array
 * @param dryRun     write the scripts and the record, submit nothing
 */
public record SubmitRequest(String name, Path outputDir, Path dataset, List<Path> configs, List<SweepAxis> sweep, ByteSize gpuMemory, SlurmOptions slurm, NodeOptions node,
                            boolean prefetch, boolean dryRun) {
    public SubmitRequest {
        configs = List.copyOf(configs);
        sweep = List.copyOf(sweep);
    }
}
