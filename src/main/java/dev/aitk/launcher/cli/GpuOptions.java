package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ByteSize;
import picocli.CommandLine.Option;

/** --gpu-memory and --gpus: describe a machine, or override what detection finds. */
public final class GpuOptions {
    @Option(names = "--gpu-memory", paramLabel = "SIZE", converter = GpuMemoryConverter.class,
            description = "Total memory of each GPU, as cards are sold: 80GB, 24G, 81559MiB. "
                    + "Overrides detection; with --gpus it describes a machine that cannot be detected.")
    ByteSize gpuMemory;

    @Option(names = "--gpus", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "How many GPUs to use (1-64). Default: all that are detected.")
    Integer gpus;

    public ByteSize gpuMemory() {
        return gpuMemory;
    }

    public Integer gpus() {
        return gpus;
    }
}
