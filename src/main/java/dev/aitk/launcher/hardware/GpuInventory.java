package dev.aitk.launcher.hardware;

import java.util.List;

/**
 * What the detect stage hands to the planner: the GPUs this run may use (after CUDA_VISIBLE_DEVICES),
 * where they were found, the host, and one note per source that was tried and why it did or did not answer.
 */
public record GpuInventory(List<GpuInfo> gpus, Source gpuSource, HostInfo host, List<String> notes) {

    public GpuInventory {
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
    }

    public boolean isEmpty() {
        return gpus.isEmpty();
    }

    public int count() {
        return gpus.size();
    }
}
