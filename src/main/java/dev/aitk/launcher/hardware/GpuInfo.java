package dev.aitk.launcher.hardware;

/**
 * One GPU as the launcher sees it. {@code totalMib}/{@code freeMib} are null when the source cannot tell
 * (a sysfs scan counts cards only). {@code index} is the index CUDA_VISIBLE_DEVICES uses.
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
        Source source) {

    public boolean memoryKnown() {
        return totalMib != null && totalMib > 0;
    }
}
