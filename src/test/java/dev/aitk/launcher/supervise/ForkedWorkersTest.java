package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 4: the parent-death shim's SIGTERM handler was inherited by every forked child, so a pool
 * terminating its workers made a worker SIGKILL the trainer's whole group: a finished run reported as
 * "killed by SIGKILL". Twenty supervised runs of a trainer that forks and terminates workers must all succeed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ForkedWorkersTest {
    @TempDir
    Path tmp;

    @Test
    void aTrainerThatTerminatesItsForkedWorkersFinishesAsSucceeded20TimesOutOf20() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"),
                "the shim's signal handling and process groups are Linux behaviour");
        Optional<Path> python = Executables.find("python3", FakeToolkit.launcherEnvironment(tmp));
        Assumptions.assumeTrue(python.isPresent(), "python3 is not on PATH; the forking run.py needs it");

        List<RunRecord> records = new ForkingTrainer(tmp, python.get().toString(), Map.of()).run(20);

        assertThat(ForkingTrainer.failures(records)).as("runs that did not end as succeeded").isEmpty();
        assertThat(records).allSatisfy(r -> {
            assertThat(r.exitCode()).isZero();
            assertThat(Path.of(r.finalCheckpoint())).exists();
        });
        assertThat(Files.readString(tmp.resolve("forked-20/forked.safetensors")).strip())
                .as("the pool's sum of squares 0..15").startsWith("1240 ");
    }
}
