package dev.aitk.launcher.hardware;

import java.util.List;

/**
 * What OSHI reports about the machine, behind an interface so tests describe a machine instead of probing
 * the host, and so OSHI (JNA, native code, a few hundred milliseconds of class loading) is only loaded
 * when a value is really needed.
 */
public interface SystemProbe {

    /** Graphics cards as the OS lists them; on Linux VMs and containers this misses VRAM (reports 0). */
    List<Card> graphicsCards();

    /** Total physical memory in bytes, or 0 when unknown. */
    long totalMemoryBytes();

    String osDescription();

    /** One card: {@code vramBytes} is 0 when the OS did not say. */
    record Card(String name, String vendor, String deviceId, long vramBytes) {
    }
}
