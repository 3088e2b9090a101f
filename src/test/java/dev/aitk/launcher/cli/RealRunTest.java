package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.RealRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
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

/** The real-run half of launch against the run.py double: toolkit lookup, interpreter probe, runs, summary. */
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
        RealRun.InstalledToolkit toolkit = Launches.toolkit(s, null, Path.of(kit.python));

        Map<String, String> childEnv = dev.aitk.launcher.toolkit.ChildEnvironment.build(s.env(),
                dev.aitk.launcher.toolkit.ChildEnvironment.Request.forInterpreter(List.of(0), toolkit.python(), false))
                .toMap();
        int code = Launches.run(s, true, toolkit, List.of(new RealRun.Job(config, "job_a",
                kit.output, childEnv, Map.of("batch_size", 1), null)),
                options("--max-attempts", "2").policy());

        assertThat(code).as(out + "\n" + err).isZero();
        JsonNode record = Json.mapper().readTree(out.toString());
        assertThat(record.get("status").asText()).isEqualTo("succeeded");
        assertThat(record.get("finalCheckpoint").asText()).endsWith("job_a.safetensors");
        if (toolkit.python().huggingfaceHub() != null && !toolkit.python().huggingfaceHub().startsWith("0.")) {
            assertThat(record.get("environment").get("HF_XET_HIGH_PERFORMANCE").asText()).isEqualTo("1");
        }
        assertThat(err.toString()).contains("attempt 1 of 2");
        if (toolkit.python().torch() == null) {
            assertThat(err.toString()).contains("warning: ").contains("cannot import torch");
        }
    }

    @Test
    void twoJobsRunSideBySideEachWithItsOwnGpuLogAndRecord() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path a = kit.config("a.yaml", "sweep_a", 1, 20, 10);
        Path b = kit.config("b.yaml", "sweep_b", 1, 20, 10);
        Services s = services(Map.of("PATH", System.getenv("PATH")));
        RealRun.InstalledToolkit toolkit = Launches.toolkit(s, kit.root, Path.of(kit.python));

        int code = Launches.run(s, false, toolkit, List.of(
                new RealRun.Job(a, "sweep_a", kit.output, Map.of("CUDA_VISIBLE_DEVICES", "0"), null, null),
                new RealRun.Job(b, "sweep_b", kit.output, Map.of("CUDA_VISIBLE_DEVICES", "1"), null, null)),
                options().policy());

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
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Launches.toolkit(s, null, null))
                .isInstanceOf(dev.aitk.launcher.util.LauncherException.class)
                .hasMessageContaining("pass --toolkit-dir DIR or set AITK_HOME")
                .extracting(e -> ((dev.aitk.launcher.util.LauncherException) e).exitCode().code()).isEqualTo(7);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Launches.toolkit(s, tmp, null))
                .hasMessageContaining("has no run.py");
    }
}
