package dev.aitk.launcher.hardware;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the detect stage hands to the planner: the GPUs this run may use (after CUDA_VISIBLE_DEVICES),
 * where they were found, the host, one note per source that was tried and why it did or did not answer,
 * and the sources tried in order.
 */
public record GpuInventory(List<GpuInfo> gpus, Source gpuSource, HostInfo host, List<String> notes, List<Source> tried) {

    public GpuInventory {
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
        tried = List.copyOf(tried);
    }

    public GpuInventory(List<GpuInfo> gpus, Source gpuSource, HostInfo host, List<String> notes) {
        this(gpus, gpuSource, host, notes, List.of());
    }

    @JsonIgnore
    public boolean isEmpty() {
        return gpus.isEmpty();
    }

    public int count() {
        return gpus.size();
    }

    /** True when every GPU's total memory is known, so a plan can be made for it. */
    public boolean memoryKnown() {
        return !gpus.isEmpty() && gpus.stream().allMatch(GpuInfo::memoryKnown);
    }

    /**
     * This inventory with GPU {@code index}'s total memory set to {@code totalMib} (what an out-of-memory message
     * says the card really holds), as --gpu-memory would set it.
     */
    public GpuInventory withTotalMib(int index, long totalMib) {
        List<GpuInfo> changed = gpus.stream().map(g -> g.index() == index ? g.withFlagMemory(totalMib) : g).toList();
        return new GpuInventory(changed, gpuSource, host, notes, tried);
    }

    /** This inventory, or exit 7 with what was tried when no GPU was found and no flags described one. */
    public GpuInventory requireGpus() {
        if (isEmpty()) {
            String sources = tried.isEmpty() ? "nvidia-smi, /sys/bus/pci, OSHI"
                    : tried.stream().map(s -> s == Source.SYSFS ? "/sys/bus/pci" : s.label()).collect(Collectors.joining(", "));
            throw new LauncherException(ExitCode.ENVIRONMENT, "no NVIDIA GPU found (tried " + sources
                    + "); pass --gpu-memory SIZE --gpus N to describe the machine");
        }
        return this;
    }

    /** {@link #requireGpus()}, and exit 7 when a card was found but its memory is unknown (a count-only source). */
    public GpuInventory requireKnownMemory() {
        requireGpus();
        if (!memoryKnown()) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "found " + count() + " NVIDIA GPU" + (count() == 1 ? "" : "s")
                    + " via " + gpuSource.label() + " but not how much memory " + (count() == 1 ? "it has" : "they have")
                    + "; pass --gpu-memory SIZE (e.g. --gpu-memory 80GB)");
        }
        return this;
    }
}
