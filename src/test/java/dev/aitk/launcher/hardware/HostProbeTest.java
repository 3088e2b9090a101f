package dev.aitk.launcher.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProbeTest {
    /** MemTotal of the H100 VM (host.txt: 125 GiB total in `free -g`). */
    private static final String MEMINFO = "MemTotal:       131981020 kB\nMemFree:        130000000 kB\nMemAvailable:   131000000 kB\n";

    @TempDir
    Path root;
    private final AtomicInteger oshiBuilt = new AtomicInteger();

    private HostInfo probe(String os) {
        Environment env = new Environment(Map.of(), os, root, root);
        return new HostProbe(env, root, () -> {
            oshiBuilt.incrementAndGet();
            return Fixtures.oshiFromCapture(Fixtures.h100("oshi-probe.txt"));
        }).probe();
    }

    private void write(String path, String text) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void linuxRamComesFromProcMeminfo() throws Exception {
        write("proc/meminfo", MEMINFO);

        HostInfo host = probe("Linux");

        assertThat(host.ramMib()).isEqualTo(131981020L / 1024);
        assertThat(host.source()).isEqualTo(Source.PROCFS);
        assertThat(host.cpuCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(host.diskFreeMib()).isPositive();
        assertThat(host.diskPath()).isEqualTo(root.toString());
        assertThat(oshiBuilt).hasValue(0);
    }

    @Test
    void aContainersCgroupLimitCapsIt() throws Exception {
        write("proc/meminfo", MEMINFO);
        write("sys/fs/cgroup/memory.max", "34359738368\n");

        assertThat(probe("Linux").ramMib()).isEqualTo(32768L);
    }

    @Test
    void cgroupV1AndUnlimitedValues() throws Exception {
        write("proc/meminfo", MEMINFO);
        write("sys/fs/cgroup/memory.max", "max\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");

        assertThat(probe("Linux").ramMib()).isEqualTo(131981020L / 1024);

        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "17179869184\n");
        assertThat(probe("Linux").ramMib()).isEqualTo(16384L);
    }

    @Test
    void withoutProcTheJavaRuntimeAnswers() {
        HostInfo host = probe("Linux");

        assertThat(host.source()).isEqualTo(Source.JDK);
        assertThat(host.ramMib()).isPositive();
        assertThat(oshiBuilt).hasValue(0);
    }

    @Test
    void garbageInMeminfoIsNotTrusted() throws Exception {
        write("proc/meminfo", "MemTotal: lots\n");

        assertThat(probe("Linux").source()).isEqualTo(Source.JDK);
        assertThat(List.of(probe("Mac OS X").source())).containsExactly(Source.JDK);
    }
}
