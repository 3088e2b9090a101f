package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusLineTest {
    @TempDir
    Path tmp;

    private static RunSnapshot at(Long step, Double sPerIt, Long eta, Double loss, int ooms, boolean saving) {
        return new RunSnapshot(step, 2000L, sPerIt, eta, 1e-4, loss, ooms, saving, null, null, null, null, null, null,
                false, false, false, List.of(), List.of(), 0, null);
    }

    @Test
    void showsStepPercentSpeedEtaLossGpuAndAttempt() {
        assertThat(StatusLine.format(at(100L, 1.23, 2337L, 0.4123, 0, false), "61.2/80.0 GiB", 2, 4))
                .isEqualTo("step 100/2000 (5%)  1.23 s/it  ETA 38:57  loss 0.4123  lr 1.0e-04  GPU 61.2/80.0 GiB  attempt 2/4");
    }

    @Test
    void fastStepsInItPerSecondAndHoursInTheEta() {
        assertThat(StatusLine.format(at(10L, 0.02, 4000L, null, 2, true), null, 1, 4))
                .isEqualTo("step 10/2000 (1%)  50.00 it/s  ETA 1:06:40  lr 1.0e-04  OOM-skipped 2  saving...");
    }

    @Test
    void beforeTheFirstStepItSaysItIsLoading() {
        assertThat(StatusLine.format(at(null, null, null, null, 0, false), null, 1, 1)).startsWith("starting");
    }

    @Test
    void gpuMemoryComesFromNvidiaSmiForTheRunsGpus() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n[ \"$3\" = \"--id=0,1\" ] || exit 9\nprintf '62668, 81559\\n1024, 81559\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Environment env = Environment.of(Map.of("PATH", bin + ":/usr/bin:/bin"), tmp, tmp);
        try (GpuMemorySampler sampler = new GpuMemorySampler(new ZtProcessRunner(), env, "0,1", Duration.ofSeconds(5))) {
            assertThat(sampler.sampleOnce()).isEqualTo("62.2/159.3 GiB");
        }
        Environment none = Environment.of(Map.of("PATH", tmp.resolve("nothing").toString()), tmp, tmp);
        try (GpuMemorySampler sampler = new GpuMemorySampler(new ZtProcessRunner(), none, null, Duration.ofSeconds(5))) {
            assertThat(sampler.sampleOnce()).isNull();
        }
    }
}
