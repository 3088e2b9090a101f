package dev.aitk.launcher.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaSmiCsvTest {
    @Test
    void readsTheRealH100Answer() {
        List<GpuInfo> gpus = NvidiaSmiCsv.parse(Fixtures.h100("nvidia-smi-query-noheader-nounits.csv"));

        assertThat(gpus).singleElement().satisfies(g -> {
            assertThat(g.index()).isZero();
            assertThat(g.name()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(g.uuid()).isEqualTo("GPU-9f5cdcbb-efd3-de84-584a-2b187126d488");
            assertThat(g.totalMib()).isEqualTo(81559L);
            assertThat(g.usedMib()).isZero();
            assertThat(g.freeMib()).isEqualTo(81079L);
            assertThat(g.driverVersion()).isEqualTo("580.159.04");
            assertThat(g.computeCapability()).isEqualTo("9.0");
            assertThat(g.pciBusId()).isEqualTo("00000000:00:06.0");
            assertThat(g.source()).isEqualTo(Source.NVIDIA_SMI);
            assertThat(g.memorySource()).isEqualTo(Source.NVIDIA_SMI);
        });
    }

    @Test
    void theHeaderAndUnitsFormIsNotMistakenForData() {
        // Another query shape (4 fields, "MiB" units): nothing in it has the 9 fields we ask for.
        assertThat(NvidiaSmiCsv.parse(Fixtures.h100("nvidia-smi-query-header-units.csv"))).isEmpty();
        assertThat(NvidiaSmiCsv.parse(Fixtures.h100("nvidia-smi.txt"))).isEmpty();
    }

    @Test
    void notAvailableFieldsAndZeroMemoryAreUnknownNotZero() {
        List<GpuInfo> gpus = NvidiaSmiCsv.parse(
                "0, NVIDIA GB10, GPU-1234, [N/A], [N/A], [N/A], 580.95.05, 12.1, 0000000F:01:00.0\n"
                + "1, NVIDIA A10G, GPU-5678, 0, 0, 0, 535.1, 8.6, 00000000:1E:00.0");

        assertThat(gpus).extracting(GpuInfo::totalMib).containsExactly(null, null);
        assertThat(gpus).noneMatch(GpuInfo::memoryKnown);
        assertThat(gpus.get(0).memorySource()).isEqualTo(Source.NONE);
    }

    @Test
    void aCommaInTheProductNameKeepsTheOtherFieldsInPlace() {
        List<GpuInfo> gpus = NvidiaSmiCsv.parse("3, NVIDIA RTX 6000 Ada, 48GB, GPU-abcd, 49140, 10, 49130, 550.54, 8.9, 00000000:41:00.0");

        assertThat(gpus).singleElement().satisfies(g -> {
            assertThat(g.index()).isEqualTo(3);
            assertThat(g.name()).isEqualTo("NVIDIA RTX 6000 Ada, 48GB");
            assertThat(g.totalMib()).isEqualTo(49140L);
            assertThat(g.pciBusId()).isEqualTo("00000000:41:00.0");
        });
    }

    @Test
    void garbageYieldsNothing() {
        assertThat(NvidiaSmiCsv.parse("Failed to initialize NVML: Driver/library version mismatch")).isEmpty();
        assertThat(NvidiaSmiCsv.parse("a, b, c, d, e, f, g, h, i")).isEmpty();
        assertThat(NvidiaSmiCsv.parse("0, X, u, 1, 2, 3, d, c, not-a-bus-id")).isEmpty();
        assertThat(NvidiaSmiCsv.parse("")).isEmpty();
    }
}
