package dev.aitk.launcher.hardware;

import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Host facts: RAM, CPU cores and the free disk of the working directory. The JDK answers these itself (and,
 * in a container, with the container's limits), so OSHI is asked only when the JDK cannot tell.
 */
final class HostProbe {
    private static final long MIB = 1024L * 1024;
    private final Environment env;
    private final Supplier<SystemProbe> oshi;

    HostProbe(Environment env, Supplier<SystemProbe> oshi) {
        this.env = env;
        this.oshi = oshi;
    }

    HostInfo probe() {
        Source source = Source.JDK;
        long ramBytes = jdkTotalMemory();
        int cores = Runtime.getRuntime().availableProcessors();
        String os = env.osName();
        if (ramBytes <= 0) {
            try {
                SystemProbe probe = oshi.get();
                ramBytes = probe.totalMemoryBytes();
                os = probe.osDescription();
                source = Source.OSHI;
            } catch (RuntimeException | LinkageError e) {
                ramBytes = 0;
            }
        }
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
