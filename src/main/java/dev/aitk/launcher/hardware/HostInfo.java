package dev.aitk.launcher.hardware;

/** The machine around the GPUs. Values are null where the source could not tell. */
public record HostInfo(String os, Long ramMib, Integer cpuCores, Source source) {
}
