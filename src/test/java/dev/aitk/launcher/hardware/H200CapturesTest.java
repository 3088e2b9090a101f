package dev.aitk.launcher.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** nvidia-smi's answers on a real H200, idle and while a training process held memory, through the real parser. */
class H200CapturesTest {
    @Test
    void readsTheIdleH200() {
        List<GpuInfo> gpus = NvidiaSmiCsv.parse(Fixtures.h200("nvidia-smi-query-noheader-nounits.csv"));

        assertThat(gpus).singleElement().satisfies(g -> {
            assertThat(g.index()).isZero();
            assertThat(g.name()).isEqualTo("NVIDIA H200");
            assertThat(g.uuid()).isEqualTo("GPU-36d6f6df-2abe-fdd3-fc99-af8890696b6e");
            assertThat(g.totalMib()).isEqualTo(143771L);
            assertThat(g.usedMib()).isZero();
            assertThat(g.freeMib()).isEqualTo(143156L);
            assertThat(g.driverVersion()).isEqualTo("580.159.04");
            assertThat(g.computeCapability()).isEqualTo("9.0");
            assertThat(g.pciBusId()).isEqualTo("00000000:00:06.0");
            assertThat(g.source()).isEqualTo(Source.NVIDIA_SMI);
        });
    }

    @Test
    void freeIsWhatTheDriverSaysNotTotalMinusUsed() {
        GpuInfo idle = NvidiaSmiCsv.parse(Fixtures.h200("nvidia-smi-query-noheader-nounits.csv")).get(0);
        GpuInfo busy = NvidiaSmiCsv.parse(Fixtures.h200("nvidia-smi-query-noheader-nounits-busy.csv")).get(0);

        assertThat(busy.usedMib()).isEqualTo(18343L);
        assertThat(busy.freeMib()).isEqualTo(124814L);
        // The driver keeps 615 MiB for itself on this card: used + free never reaches the total.
        assertThat(idle.totalMib() - idle.usedMib() - idle.freeMib()).isEqualTo(615L);
        assertThat(busy.totalMib() - busy.usedMib() - busy.freeMib()).isEqualTo(614L);
    }

    @Test
    void theOtherH200CapturesAreNotMistakenForTheDetectQuery() {
        assertThat(NvidiaSmiCsv.parse(Fixtures.h200("nvidia-smi-memory-used-total-busy.csv"))).isEmpty();
        assertThat(NvidiaSmiCsv.parse(Fixtures.h200("nvidia-smi-busy.txt"))).isEmpty();
    }
}
