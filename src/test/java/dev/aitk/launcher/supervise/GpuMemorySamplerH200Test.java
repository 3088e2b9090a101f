package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.hardware.Fixtures;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status line's GPU figure from the H200's real answers to the sampler's own query. */
class GpuMemorySamplerH200Test {
    @TempDir
    Path tmp;

    private String sample(String capture) throws Exception {
        Path bin = tmp.resolve("bin-" + capture);
        Fixtures.fakeNvidiaSmi(bin, Fixtures.h200(capture), "", 0);
        Environment env = Environment.of(Map.of("PATH", bin + ":/usr/bin:/bin"), tmp, tmp);
        try (GpuMemorySampler sampler = new GpuMemorySampler(new ZtProcessRunner(), env, null, Duration.ofSeconds(5))) {
            String figure = sampler.sampleOnce();
            // The captures answer this query and no other.
            assertThat(Files.readString(bin.resolve("nvidia-smi.calls")).strip())
                    .isEqualTo("--query-gpu=memory.used,memory.total --format=csv,noheader,nounits");
            return figure;
        }
    }

    @Test
    void idleAndBusyH200() throws Exception {
        assertThat(sample("nvidia-smi-memory-used-total.csv")).isEqualTo("0.0/140.4 GiB");
        assertThat(sample("nvidia-smi-memory-used-total-busy.csv")).isEqualTo("17.9/140.4 GiB");
    }
}
