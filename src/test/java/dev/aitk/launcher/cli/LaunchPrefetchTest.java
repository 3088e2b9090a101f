package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.hub.FakeHub;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prefetch before the run, against the hub stage's loopback fake Hub. */
class LaunchPrefetchTest {
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";

    @TempDir
    Path tmp;

    private FakeHub hub;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo(FLUX).file("model_index.json", "{\"_class_name\": \"FluxPipeline\", \"vae\": [\"diffusers\", \"AutoencoderKL\"]}")
                .file("vae/config.json", "{}")
                .file("vae/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(200_000, 7));
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
    }

    private Services services(Map<String, String> extra) {
        Map<String, String> vars = new java.util.HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "HF_ENDPOINT", hub.endpoint(), "HF_HOME", tmp.resolve("hf").toString()));
        vars.putAll(extra);
        return new Services(Environment.of(vars, tmp, tmp), new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.systemUTC(), new ZtProcessRunner(), false);
    }

    @Test
    void theModelIsInTheCacheBeforeRunPyStarts() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 10, 5);

        boolean complete = SupervisedLaunch.prefetch(services(Map.of()), false, List.of(config), false);

        assertThat(complete).isTrue();
        assertThat(out.toString()).contains(FLUX).contains("holds everything");
        try (var files = Files.walk(tmp.resolve("hf/hub"))) {
            assertThat(files.map(Path::toString)).anyMatch(p -> p.endsWith("vae/diffusion_pytorch_model.safetensors"));
        }
    }

    @Test
    void noPrefetchIsReportedAndLeavesDownloadsToRunPy() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 10, 5);

        assertThat(SupervisedLaunch.prefetch(services(Map.of()), false, List.of(config), true)).isFalse();
        assertThat(err.toString()).contains("prefetch skipped (--no-prefetch)");
        assertThat(tmp.resolve("hf/hub")).doesNotExist();
    }

    @Test
    void aGatedModelFailsThePrefetchInSecondsWithExit5() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 10, 5);
        hub.repo(FLUX).gated("hf_right");

        assertThatThrownBy(() -> SupervisedLaunch.prefetch(services(Map.of("HF_TOKEN", "hf_wrong_secret")), false,
                List.of(config), false))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("gated")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode().code()).isEqualTo(5))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hf_wrong_secret"));
    }
}
