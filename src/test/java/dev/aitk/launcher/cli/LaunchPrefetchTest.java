package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.hub.FakeHub;
import dev.aitk.launcher.hub.HuggingfaceHubReadsTheCaches;
import dev.aitk.launcher.launch.RealRun;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The prefetch before the run, against the hub stage's loopback fake Hub. */
class LaunchPrefetchTest {
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";

    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path tmp;

    private FakeHub hub;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        caches.watch(hub, tmp.resolve("hf/hub"));
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

        boolean complete = Launches.prefetch(services(Map.of()), false, List.of(config), false);

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

        assertThat(Launches.prefetch(services(Map.of()), false, List.of(config), true)).isFalse();
        assertThat(err.toString()).contains("prefetch skipped (--no-prefetch)");
        assertThat(tmp.resolve("hf/hub")).doesNotExist();
    }

    @Test
    void aGatedModelFailsThePrefetchInSecondsWithExit5() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 10, 5);
        hub.repo(FLUX).gated("hf_right");

        assertThatThrownBy(() -> Launches.prefetch(services(Map.of("HF_TOKEN", "hf_wrong_secret")), false,
                List.of(config), false))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("gated")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode().code()).isEqualTo(5))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hf_wrong_secret"));
    }

    @Test
    void startPrefetchesThenRunsOfflineToTheEnd() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 20, 10);
        Services s = services(Map.of());

        int code = Launches.launchConfigs(s, true, kit.root, kit.python, List.of(config), false,
                dev.aitk.launcher.supervise.RecoveryPolicy.defaults());

        assertThat(code).as(err.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode record = dev.aitk.launcher.util.Json.mapper().readTree(out.toString());
        assertThat(record.get("environment").get("HF_HUB_OFFLINE").asText()).isEqualTo("1");
        assertThat(record.get("environment").get("CUDA_VISIBLE_DEVICES").asText()).isEqualTo("0");
        assertThat(record.get("finalCheckpoint").asText()).endsWith("job.safetensors");
    }

    @Test
    void startWithNoPrefetchRecoversFromAnHfTransferFailure() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 20, 10);
        Services s = services(Map.of("FAKE_AITK_FAIL_DOWNLOAD", "hf_transfer", "HF_HUB_ENABLE_HF_TRANSFER", "1"));

        int code = Launches.launchConfigs(s, false, kit.root, kit.python, List.of(config), true,
                dev.aitk.launcher.supervise.RecoveryPolicy.defaults());

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("the hf_transfer fast download failed: restarting with the fast download "
                + "path off").contains("job: succeeded after 2 attempt(s)");
        assertThat(err.toString()).contains("prefetch skipped (--no-prefetch)");
    }

    @Test
    void aDownloadOfRunPysOwnThatHangsIsAXetStallAndTheRetryTurnsXetOffAndFinishes() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 20, 10);
        String vae = "vae/diffusion_pytorch_model.safetensors";
        // The body stops after 50 kB and the connection stays open: the first download hangs, the second is served.
        hub.inject(vae, FakeHub.FaultKind.STALL, 50_000, 1);
        Services s = services(Map.of("FAKE_AITK_HUB_FILE", vae));

        int code = Launches.launchConfigs(s, true, kit.root, kit.python, List.of(config), true,
                FakeToolkit.fastPolicy().withStallTimeout(java.time.Duration.ofSeconds(3)));

        assertThat(code).as(out + "\n" + err).isZero();
        // huggingface_hub draws no bar into a pipe: the partial file in the cache is what shows the download.
        assertThat(err.toString()).contains("stalled: no output and no progress for 3 s while downloading " + FLUX + " (",
                "a download made no progress for the stall timeout (Xet transfers hang like this): "
                        + "restarting with the fast download path off (", "HF_HUB_DISABLE_XET=1");
        com.fasterxml.jackson.databind.JsonNode record = dev.aitk.launcher.util.Json.mapper().readTree(out.toString());
        assertThat(record.get("environment").get("HF_HUB_DISABLE_XET").asText()).isEqualTo("1");
        assertThat(record.get("finalCheckpoint").asText()).endsWith("job.safetensors");
        // huggingface_hub asked for the body twice: the stalled GET, then the one the retry got in full.
        assertThat(hub.requests()).filteredOn(r -> r.method().equals("GET") && r.path().contains(hub.repo(FLUX).get(vae).etag()))
                .hasSize(2);
    }

    @Test
    void offlineRunsFromAFilledCacheWithoutTheNetwork() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 20, 10);
        Services s = services(Map.of());
        assertThat(Launches.prefetch(s, false, List.of(config), false)).isTrue();
        hub.close();
        out.getBuffer().setLength(0);

        int code = Launches.launchConfigs(s, true, kit.root, kit.python, List.of(config),
                new RealRun.Options(false, true, true, dev.aitk.launcher.supervise.RecoveryPolicy.defaults()));

        assertThat(code).as(err.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode record = dev.aitk.launcher.util.Json.mapper().readTree(out.toString());
        assertThat(record.get("environment").get("HF_HUB_OFFLINE").asText()).isEqualTo("1");
    }

    @Test
    void offlineWithAModelMissingFromTheCacheIsExit5AndDownloadsNothing() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("job.yaml", "job", 1, 20, 10);
        Services s = services(Map.of());

        assertThatThrownBy(() -> Launches.launchConfigs(s, false, kit.root, kit.python, List.of(config),
                new RealRun.Options(false, true, true, dev.aitk.launcher.supervise.RecoveryPolicy.defaults())))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("are not in the cache").hasMessageContaining("--offline uses no network")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode().code()).isEqualTo(5));
        assertThat(kit.output.resolve("job")).as("run.py never started").doesNotExist();
        if (Files.exists(tmp.resolve("hf/hub"))) {
            try (var files = Files.walk(tmp.resolve("hf/hub"))) {
                assertThat(files.map(Path::toString)).noneMatch(p -> p.endsWith(".safetensors"));
            }
        }
    }
}
