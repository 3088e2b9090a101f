package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.toolkit.InterpreterProbe;
import dev.aitk.launcher.toolkit.PythonReport;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The real-run half of launch (--config jobs) against the run.py double: toolkit lookup, probe, runs, summary. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealRunTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Services services(Map<String, String> vars) {
        return new Services(Environment.of(vars, tmp, tmp), new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.systemUTC(), new ZtProcessRunner(), false);
    }

    private static SuperviseOptions options(String... args) {
        SuperviseOptions o = new SuperviseOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            SuperviseOptions opts = o;
        }).parseArgs(args);
        return o;
    }

    @Test
    void runsAJobToTheEndAndSetsTheFastDownloadSwitchesOfTheInstalledHub() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job_a", 1, 20, 10);
        Services s = services(Map.of("PATH", System.getenv("PATH"), "AITK_HOME", kit.root.toString()));
        PythonReport python = new InterpreterProbe(s.processRunner()).probe(Path.of(kit.python), s.env());

        int code = Launches.launchConfigs(s, true, null, kit.python, List.of(config), true,
                options("--max-attempts", "2").policy());

        assertThat(code).as(out + "\n" + err).isZero();
        JsonNode record = Json.mapper().readTree(out.toString());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("finalCheckpoint").asText()).endsWith("job_a.safetensors");
        if (python.huggingfaceHub() != null && !python.huggingfaceHub().startsWith("0.")) {
            assertThat(record.get("environment").get("HF_XET_HIGH_PERFORMANCE").asText()).isEqualTo("1");
        }
        assertThat(err.toString()).contains("attempt 1 of 2");
        if (python.torch() == null) {
            assertThat(err.toString()).contains("warning: ").contains("cannot import torch");
        }
    }

    @Test
    void twoJobsRunSideBySideEachWithItsOwnGpuLogAndRecord() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path a = kit.config("a.yaml", "sweep_a", 1, 20, 10);
        Path b = kit.config("b.yaml", "sweep_b", 1, 20, 10);
        Services s = services(Map.of("PATH", System.getenv("PATH")));

        int code = Launches.launchConfigs(s, false, kit.root, kit.python, List.of(a, b), true, options().policy());

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("sweep_a: succeeded").contains("sweep_b: succeeded")
                .contains("[sweep_a] attempt 1 of 4").contains("[sweep_b] attempt 1 of 4");
        assertThat(Json.mapper().readTree(kit.output.resolve("sweep_b/run.json").toFile())
                .get("environment").get("CUDA_VISIBLE_DEVICES").asText()).isEqualTo("1");
        assertThat(kit.output.resolve("sweep_a/log.txt")).exists();
    }

    @Test
    void aMissingToolkitIsOneSentenceAndExit7BeforeAnythingRuns() {
        Services s = services(Map.of("PATH", System.getenv("PATH")));
        List<Path> configs = List.of(tmp.resolve("job.yaml"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Launches.launchConfigs(s, false, null, null, configs,
                        true, options().policy()))
                .isInstanceOf(dev.aitk.launcher.util.LauncherException.class)
                .hasMessageContaining("pass --toolkit-dir DIR or set AITK_HOME")
                .extracting(e -> ((dev.aitk.launcher.util.LauncherException) e).exitCode().code()).isEqualTo(7);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Launches.launchConfigs(s, false, tmp, null, configs,
                        true, options().policy()))
                .hasMessageContaining("has no run.py");
    }
}
