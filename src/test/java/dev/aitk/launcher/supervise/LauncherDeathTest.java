package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as its own JVM, signalled and killed the way a user or the OS would: Ctrl+C and SIGTERM stop
 * the whole tree and exit 130; SIGKILL to the launcher still takes run.py and its worker down within seconds
 * (the parent-death shim; the run.py double does nothing of the kind by itself).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherDeathTest {
    @TempDir
    Path tmp;

    private FakeToolkit kit;
    private Path pids;

    @BeforeEach
    void linuxOnly() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"),
                "process groups and PR_SET_PDEATHSIG are Linux behaviour");
        kit = FakeToolkit.in(tmp);
        pids = tmp.resolve("pids");
    }

    private Process launcher(String name) throws Exception {
        Path config = kit.config(name + ".yaml", name, 1, 1_000_000, 100_000);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Through a python3 that sets SIGINT back to its default before exec: a JVM started with SIGINT ignored
        // (a background job of a non-interactive shell, as CI runners start builds) passes that on, and the
        // launcher under test would never see the Ctrl+C.
        ProcessBuilder pb = new ProcessBuilder(kit.python, "-c", "import os, signal, sys; "
                + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])",
                java, "-cp", System.getProperty("java.class.path"), SupervisedRunMain.class.getName(), kit.python,
                kit.runPy.toString(), config.toString(), name, kit.output.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + "-launcher.out").toFile());
        pb.environment().putAll(Map.of("FAKE_AITK_WORKER", "1", "FAKE_AITK_PID_FILE", pids.toString(),
                "FAKE_AITK_STEP_SECONDS", "0.05"));
        return pb.start();
    }

    @Test
    void aLauncherKilledWithSigkillTakesRunPyAndItsWorkerWithIt() throws Exception {
        Process launcher = launcher("orphan");
        long[] tree = FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));
        assertThat(FakeToolkit.alive(tree[0])).isTrue();
        assertThat(FakeToolkit.alive(tree[1])).isTrue();

        launcher.destroyForcibly();
        launcher.waitFor(10, TimeUnit.SECONDS);

        assertThat(FakeToolkit.awaitGone(tree, Duration.ofSeconds(5)))
                .as("run.py %d and its worker %d die within 5 s of the launcher", tree[0], tree[1]).isTrue();
    }

    @Test
    void ctrlCToTheLauncherStopsTheTreeAndExits130() throws Exception {
        Process launcher = launcher("ctrlc");
        long[] tree = FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));

        signal("INT", launcher.pid());

        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(130);
        assertThat(FakeToolkit.awaitGone(tree, Duration.ofSeconds(5))).isTrue();
        JsonNode record = Json.mapper().readTree(kit.output.resolve("ctrlc/run.json").toFile());
        assertThat(record.get("status").asText()).isEqualTo("interrupted");
        assertThat(Files.readString(kit.output.resolve("ctrlc/log.txt"))).contains("Job stopped");
    }

    @Test
    void sigtermToTheLauncherStopsTheTreeAndExits130() throws Exception {
        Process launcher = launcher("term");
        long[] tree = FakeToolkit.awaitPids(pids, Duration.ofSeconds(60));

        signal("TERM", launcher.pid());

        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(130);
        assertThat(FakeToolkit.awaitGone(tree, Duration.ofSeconds(5))).isTrue();
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-s", name, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
}
