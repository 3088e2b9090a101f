package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PyTorch's out-of-memory figures, from the real H100 traceback and the older message form. */
class OomEvidenceTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = OomEvidenceTest.class.getResourceAsStream("/fixtures/h100/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsEveryFigureOfTheRealH100Message() throws IOException {
        OomEvidence e = OomEvidence.in(fixture("torch-oom.stderr")).orElseThrow();

        assertThat(e.gpuIndex()).isZero();
        assertThat(e.triedToAllocateGib()).isEqualTo(40.0);
        assertThat(e.cardCapacityGib()).isEqualTo(79.18);
        assertThat(e.freeGib()).isEqualTo(8.66);
        assertThat(e.processInUseGib()).isEqualTo(70.51);
        assertThat(e.allocatedByPyTorchGib()).isEqualTo(70.0);
        assertThat(e.reservedUnallocatedGib()).isZero();
        assertThat(e.describe()).isEqualTo("it needed 40.00 GiB more on GPU 0 with 8.66 GiB free of 79.18 GiB; "
                + "the trainer held 70.51 GiB");
    }

    @Test
    void readsTheOlderFormWithMebibytes() {
        OomEvidence e = OomEvidence.in("RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 1; "
                + "23.65 GiB total capacity; 22.50 GiB already allocated; 11.56 MiB free; 22.80 GiB reserved in "
                + "total by PyTorch)").orElseThrow();

        assertThat(e.gpuIndex()).isEqualTo(1);
        assertThat(e.triedToAllocateGib()).isCloseTo(20.0 / 1024, within(1e-9));
        assertThat(e.cardCapacityGib()).isEqualTo(23.65);
        assertThat(e.freeGib()).isCloseTo(11.56 / 1024, within(1e-9));
        assertThat(e.reservedUnallocatedGib()).isCloseTo(0.30, within(1e-9));
        assertThat(e.describe()).isEqualTo("it needed 20 MiB more on GPU 1 with 12 MiB free of 23.65 GiB");
    }

    @Test
    void aMessageWithoutFiguresHasNoEvidence() {
        assertThat(OomEvidence.in("torch.OutOfMemoryError: CUDA error: out of memory")).isEmpty();
        assertThat(OomEvidence.in(null)).isEmpty();
    }
}
