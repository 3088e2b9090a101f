package dev.aitk.launcher.hardware;

/**
 * The machine around the GPUs. Values are null where the source could not tell. {@code source} is where
 * {@code ramMib} came from (CPU cores and free disk always come from the Java runtime). {@code diskFreeMib}
 * is the space usable by this user on the file system holding {@code diskPath} (the working directory).
 */
public record HostInfo(String os, Long ramMib, Integer cpuCores, Source source, Long diskFreeMib, String diskPath) {

    public HostInfo(String os, Long ramMib, Integer cpuCores, Source source) {
        this(os, ramMib, cpuCores, source, null, null);
    }
}
