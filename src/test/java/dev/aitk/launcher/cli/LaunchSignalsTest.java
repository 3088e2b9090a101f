package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.supervise.FakeToolkit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jobs side by side under launch's real-run path in a JVM of its own: SIGTERM to the launcher stops both
 * trees and exits 130; SIGKILL to the launcher takes both run.py processes and their workers down.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchSignalsTest {
    @TempDir
    Path tmp;

    private Process launcher(FakeToolkit kit) throws Exception {
        Path a = kit.config("a.yaml", "job_a", 1, 1_000_000, 100_000);
        Path b = kit.config("b.yaml", "job_b", 1, 1_000_000, 100_000);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LaunchStartMain.class.getName(), kit.root.toString(), kit.python, a.toString(), b.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("launcher.out").toFile());
        pb.environment().put("FAKE_AITK_WORKER", "1");
        pb.environment().put("FAKE_AITK_PID_FILE", tmp.resolve("pids-$CUDA_VISIBLE_DEVICES").toString());
        pb.environment().put("FAKE_AITK_STEP_SECONDS", "0.05");
        return pb.start();
    }

    @Test
    void sigtermStopsBothJobsAndTheirWorkersAndExits130() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "Linux signals");
        FakeToolkit kit = FakeToolkit.in(tmp);
        Process launcher = launcher(kit);
        long[] a = FakeToolkit.awaitPids(tmp.resolve("pids-0"), Duration.ofSeconds(60));
        long[] b = FakeToolkit.awaitPids(tmp.resolve("pids-1"), Duration.ofSeconds(60));

        new ProcessBuilder("kill", "-s", "TERM", Long.toString(launcher.pid())).start().waitFor(10, TimeUnit.SECONDS);

        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).as(Files.readString(tmp.resolve("launcher.out"))).isEqualTo(130);
        assertThat(FakeToolkit.awaitGone(new long[] {a[0], a[1], b[0], b[1]}, Duration.ofSeconds(5))).isTrue();
        assertThat(Files.readString(tmp.resolve("launcher.out"))).contains("job_a: interrupted").contains("job_b: interrupted")
                // A stop the user asked for is not reported as an error (#14 item 11).
                .doesNotContain("error:");
    }

    @Test
    void sigkillToTheLauncherTakesBothTreesDown() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "Linux signals");
        FakeToolkit kit = FakeToolkit.in(tmp);
        Process launcher = launcher(kit);
        long[] a = FakeToolkit.awaitPids(tmp.resolve("pids-0"), Duration.ofSeconds(60));
        long[] b = FakeToolkit.awaitPids(tmp.resolve("pids-1"), Duration.ofSeconds(60));

        launcher.destroyForcibly();
        launcher.waitFor(10, TimeUnit.SECONDS);

        assertThat(FakeToolkit.awaitGone(new long[] {a[0], a[1], b[0], b[1]}, Duration.ofSeconds(5))).isTrue();
    }
}
