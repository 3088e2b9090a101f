package dev.aitk.launcher.hardware;

/** Where a detected value came from, first that answers wins (docs/architecture.md, hardware stage). */
public enum Source {
    FLAGS("--gpu-memory/--gpus"),
    NVIDIA_SMI("nvidia-smi"),
    SYSFS("sysfs PCI scan"),
    OSHI("OSHI"),
    /** Host RAM on Linux: /proc/meminfo, capped by the cgroup's memory limit in a container. */
    PROCFS("/proc/meminfo"),
    /** Host facts the Java runtime answers itself (RAM, cores, free disk): no native library needed. */
    JDK("Java runtime"),
    NONE("nothing");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
