package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher in a JVM with a 24 MiB heap supervises a child printing 48 MB of tqdm redraws, 8 MB of
 * ordinary lines and a 32 MB line without a newline (more than the whole heap): it must finish, with every byte in the log. Anything
 * that held output in memory would die of OutOfMemoryError here.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BoundedMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aTinyHeapSurvivesAFloodOfOutput() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("flood.yaml", "flood", 1, 20, 10);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx24m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), SupervisedRunMain.class.getName(), kit.python,
                kit.runPy.toString(), config.toString(), "flood", kit.output.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("launcher.out").toFile());
        pb.environment().put("FAKE_AITK_BAR_SPAM_MB", "48");
        pb.environment().put("FAKE_AITK_SPAM_MB", "8");
        pb.environment().put("FAKE_AITK_LONG_LINE_MB", "32");
        Process launcher = pb.start();

        assertThat(launcher.waitFor(170, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).as(Files.readString(tmp.resolve("launcher.out"))).isZero();
        assertThat(Files.size(kit.output.resolve("flood/log.txt"))).isGreaterThan(88L * 1024 * 1024);
        JsonNode record = Json.mapper().readTree(kit.output.resolve("flood/run.json").toFile());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("stepsDone").asLong()).isEqualTo(20);
    }
}
