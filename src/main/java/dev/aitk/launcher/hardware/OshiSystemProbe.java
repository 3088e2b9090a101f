package dev.aitk.launcher.hardware;

import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;

/** {@link SystemProbe} on OSHI; constructing one loads OSHI, so it is only built when needed. */
public final class OshiSystemProbe implements SystemProbe {
    private final SystemInfo system = new SystemInfo();

    private HardwareAbstractionLayer hardware() {
        return system.getHardware();
    }

    @Override
    public List<Card> graphicsCards() {
        return hardware().getGraphicsCards().stream()
                .map(c -> new Card(c.getName(), c.getVendor(), c.getDeviceId(), c.getVRam()))
                .toList();
    }

    @Override
    public long totalMemoryBytes() {
        return hardware().getMemory().getTotal();
    }

    @Override
    public String osDescription() {
        return system.getOperatingSystem().toString();
    }
}
