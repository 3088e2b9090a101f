package dev.aitk.launcher.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsPciScanTest {
    @TempDir
    Path root;

    @Test
    void findsTheH100AmongTheVmsVirtioDevices() throws Exception {
        Fixtures.sysfsFromCapture(root, Fixtures.h100("sys-pci.txt"), false);

        List<GpuInfo> gpus = new SysfsPciScan(root).scan();

        assertThat(gpus).singleElement().satisfies(g -> {
            assertThat(g.index()).isZero();
            assertThat(g.pciBusId()).isEqualTo("00000000:00:06.0");
            assertThat(g.name()).contains("0x2330");
            assertThat(g.totalMib()).isNull();
            assertThat(g.memoryKnown()).isFalse();
            assertThat(g.source()).isEqualTo(Source.SYSFS);
        });
    }

    @Test
    void theDriversProcFilesAddModelAndUuid() throws Exception {
        Fixtures.sysfsFromCapture(root, Fixtures.h100("sys-pci.txt"), true);

        assertThat(new SysfsPciScan(root).scan()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(g.uuid()).isEqualTo("GPU-9f5cdcbb-efd3-de84-584a-2b187126d488");
        });
    }

    @Test
    void countsDisplayControllersOnlyInBusOrder() throws Exception {
        Fixtures.sysfsFromCapture(root, String.join("\n",
                "/sys/bus/pci/devices/0000:c1:00.0 vendor=0x10de device=0x2684 class=0x030000",
                "/sys/bus/pci/devices/0000:c1:00.1 vendor=0x10de device=0x22ba class=0x040300",
                "/sys/bus/pci/devices/0000:1b:00.0 vendor=0x10de device=0x2330 class=0x030200",
                "/sys/bus/pci/devices/0000:05:00.0 vendor=0x10de device=0x22a3 class=0x068000",
                "/sys/bus/pci/devices/0000:00:02.0 vendor=0x8086 device=0x4680 class=0x030000"), false);

        List<GpuInfo> gpus = new SysfsPciScan(root).scan();

        assertThat(gpus).extracting(GpuInfo::pciBusId).containsExactly("00000000:1B:00.0", "00000000:C1:00.0");
        assertThat(gpus).extracting(GpuInfo::index).containsExactly(0, 1);
    }

    @Test
    void anUnreadableDeviceIsSkippedNotFatal() throws Exception {
        Path dev = Files.createDirectories(root.resolve("sys/bus/pci/devices/0000:00:01.0"));
        Files.writeString(dev.resolve("vendor"), "0x10de\n");

        assertThat(new SysfsPciScan(root).scan()).isEmpty();
    }
}
