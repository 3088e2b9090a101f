package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.hardware.Fixtures;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status line's GPU figure from the H200's real answers to the sampler's own query. */
class GpuMemorySamplerH200Test {
    @TempDir
    Path tmp;

    private String sample(String capture) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("answer.csv"), Fixtures.h200(capture));
        Path smi = bin.resolve("nvidia-smi");
        // Answers only the query the sampler was captured with, so a changed query fails here.
        Files.writeString(smi, "#!/bin/sh\n[ \"$1 $2 $3\" = \"--query-gpu=memory.used,memory.total --format=csv,noheader,nounits \" ]"
                + " || exit 9\nexec /bin/cat \"" + bin.resolve("answer.csv") + "\"\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Environment env = Environment.of(Map.of("PATH", bin + ":/usr/bin:/bin"), tmp, tmp);
        try (GpuMemorySampler sampler = new GpuMemorySampler(new ZtProcessRunner(), env, null, Duration.ofSeconds(5))) {
            return sampler.sampleOnce();
        }
    }

    @Test
    void idleAndBusyH200() throws Exception {
        assertThat(sample("nvidia-smi-memory-used-total.csv")).isEqualTo("0.0/140.4 GiB");
        assertThat(sample("nvidia-smi-memory-used-total-busy.csv")).isEqualTo("17.9/140.4 GiB");
    }
}
