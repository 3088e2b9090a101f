package dev.aitk.launcher.hardware;

/**
 * One GPU as the launcher sees it. {@code totalMib}/{@code freeMib} are null when the source cannot tell
 * (a sysfs scan counts cards only). {@code source} says where the card was found, {@code memorySource}
 * where its memory figures came from ({@link Source#FLAGS} when --gpu-memory overrides a detected card).
 *
 * <p>{@code index} is nvidia-smi's own index, which is PCI bus order; the launcher hands these indices to
 * the child in CUDA_VISIBLE_DEVICES together with CUDA_DEVICE_ORDER=PCI_BUS_ID, because CUDA's default
 * order (fastest first) can differ from nvidia-smi's on a machine with mixed cards.
 */
public record GpuInfo(
        int index,
        String name,
        String uuid,
        Long totalMib,
        Long usedMib,
        Long freeMib,
        String driverVersion,
        String computeCapability,
        String pciBusId,
        Source source,
        Source memorySource) {

    /** A card whose memory figures come from the same source that found it. */
    public GpuInfo(int index, String name, String uuid, Long totalMib, Long usedMib, Long freeMib,
                   String driverVersion, String computeCapability, String pciBusId, Source source) {
        this(index, name, uuid, totalMib, usedMib, freeMib, driverVersion, computeCapability, pciBusId, source,
                totalMib == null ? Source.NONE : source);
    }

    public boolean memoryKnown() {
        return totalMib != null && totalMib > 0;
    }

    /**
     * This card with its total memory described by --gpu-memory instead of what detection found. Memory other
     * processes hold stays a fact, so {@code usedMib} is kept and {@code freeMib} follows from the new total.
     */
    public GpuInfo withFlagMemory(long totalMib) {
        Long free = usedMib == null ? null : Math.max(0, totalMib - usedMib);
        return new GpuInfo(index, name, uuid, totalMib, usedMib, free, driverVersion, computeCapability, pciBusId,
                source, Source.FLAGS);
    }
}
