package dev.aitk.launcher.hardware;

import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Host facts: RAM, CPU cores and the free disk of the working directory. On Linux RAM is read from
 * /proc/meminfo and the cgroup limit (what the JDK's own MXBean does, without the ~100 ms its class loading
 * costs at start-up); elsewhere the JDK answers, and OSHI only when neither can tell.
 */
final class HostProbe {
    private static final long MIB = 1024L * 1024;
    private final Environment env;
    private final Path root;
    private final Supplier<SystemProbe> oshi;

    HostProbe(Environment env, Path root, Supplier<SystemProbe> oshi) {
        this.env = env;
        this.root = root;
        this.oshi = oshi;
    }

    HostInfo probe() {
        Source source = Source.NONE;
        long ramBytes = 0;
        String os = env.osName();
        if (os.toLowerCase(Locale.ROOT).contains("linux")) {
            OptionalLong linux = linuxMemory();
            if (linux.isPresent()) {
                ramBytes = linux.getAsLong();
                source = Source.PROCFS;
            }
        }
        if (ramBytes <= 0) {
            ramBytes = jdkTotalMemory();
            source = Source.JDK;
        }
        if (ramBytes <= 0) {
            try {
                SystemProbe probe = oshi.get();
                ramBytes = probe.totalMemoryBytes();
                os = probe.osDescription();
                source = Source.OSHI;
            } catch (RuntimeException | LinkageError e) {
                ramBytes = 0;
                source = Source.NONE;
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Path disk = env.workingDirectory();
        Long freeMib = null;
        try {
            freeMib = Files.getFileStore(disk).getUsableSpace() / MIB;
        } catch (IOException | RuntimeException e) {
            // A directory that vanished or a file system that cannot say: the value stays unknown.
        }
        return new HostInfo(os, ramBytes > 0 ? ramBytes / MIB : null, cores > 0 ? cores : null, source, freeMib,
                disk.toString());
    }

    /** MemTotal, or the container's cgroup (v2 or v1) memory limit when that is lower. */
    OptionalLong linuxMemory() {
        OptionalLong total = OptionalLong.empty();
        for (String line : lines(root.resolve("proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring(9).trim().split("\\s+");
                try {
                    long kib = Long.parseLong(parts[0]);
                    total = OptionalLong.of(kib * 1024);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        if (total.isEmpty()) {
            return total;
        }
        long limit = Math.min(number(root.resolve("sys/fs/cgroup/memory.max")),
                number(root.resolve("sys/fs/cgroup/memory/memory.limit_in_bytes")));
        return OptionalLong.of(Math.min(total.getAsLong(), limit));
    }

    /** A cgroup limit file's value; "max", a missing file or nonsense means no limit. */
    private static long number(Path file) {
        for (String line : lines(file)) {
            try {
                long v = Long.parseLong(line.trim());
                return v > 0 ? v : Long.MAX_VALUE;
            } catch (NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }

    private static java.util.List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return java.util.List.of();
        }
    }

    private static long jdkTotalMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // A JDK without the com.sun.management extension; OSHI answers instead.
        }
        return 0;
    }
}
