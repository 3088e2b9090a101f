package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment is read the way huggingface_hub reads it, so the child process and the prefetch agree. */
class HubSettingsTest {
    @TempDir
    Path home;

    private Environment bare(String... pairs) {
        Map<String, String> vars = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return Environment.of(vars, home, home);
    }

    @Test
    void theCacheFolderFollowsHuggingfaceHubPrecedence() {
        assertThat(HubCache.locate(bare()).root()).isEqualTo(home.resolve(".cache/huggingface/hub"));
        assertThat(HubCache.locate(bare("XDG_CACHE_HOME", "/x")).root()).isEqualTo(Path.of("/x/huggingface/hub"));
        assertThat(HubCache.locate(bare("XDG_CACHE_HOME", "/x", "HF_HOME", "/h")).root()).isEqualTo(Path.of("/h/hub"));
        assertThat(HubCache.locate(bare("HF_HOME", "/h", "HF_HUB_CACHE", "/c")).root()).isEqualTo(Path.of("/c"));
        assertThat(HubCache.locate(bare("HF_HOME", "~/hf")).root()).isEqualTo(home.resolve("hf/hub"));
    }

    @Test
    void theTokenComesFromTheVariablesThenTheTokenFileAndIsNeverShown() throws IOException {
        Files.createDirectories(home.resolve("hf"));
        Files.writeString(home.resolve("hf/token"), "hf_from_file\n");
        assertThat(HubSettings.from(env(home), Optional.empty()).token()).contains("hf_from_file");
        assertThat(HubSettings.from(env(home, "HUGGING_FACE_HUB_TOKEN", "hf_old"), Optional.empty()).token()).contains("hf_old");
        HubSettings s = HubSettings.from(env(home, "HF_TOKEN", "hf_new", "HUGGING_FACE_HUB_TOKEN", "hf_old"), Optional.empty());
        assertThat(s.token()).contains("hf_new");
        assertThat(s.toString()).doesNotContain("hf_new").contains("from HF_TOKEN");
        assertThat(s.redact("server said hf_new is bad")).isEqualTo("server said *** is bad");
    }

    @Test
    void endpointsLoseTrailingSlashesAndBadOnesAreAUsageError() {
        assertThat(HubSettings.from(bare("HF_ENDPOINT", "https://mirror.example/"), Optional.empty()).endpoint())
                .isEqualTo(URI.create("https://mirror.example"));
        assertThat(HubSettings.from(bare("HF_ENDPOINT", "https://mirror.example"), Optional.of("http://127.0.0.1:9")).endpoint())
                .isEqualTo(URI.create("http://127.0.0.1:9"));
        assertThatThrownBy(() -> HubSettings.from(bare(), Optional.of("mirror.example"))).hasMessageContaining("--endpoint 'mirror.example' is not a usable Hub address");
    }

    @Test
    void proxiesApplyBySchemeAndNoProxyGoesDirect() {
        ProxyRules rules = HubSettings.from(bare("HTTPS_PROXY", "http://proxy.corp:3128", "no_proxy", "localhost,.internal"), Optional.empty()).proxies();
        assertThat(rules.proxyFor(URI.create("https://huggingface.co/x")).type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(rules.proxyFor(URI.create("https://huggingface.co/x")).address().toString()).contains("proxy.corp", "3128");
        assertThat(rules.proxyFor(URI.create("http://huggingface.co/x"))).isEqualTo(Proxy.NO_PROXY);
        assertThat(rules.proxyFor(URI.create("https://hub.internal/x"))).isEqualTo(Proxy.NO_PROXY);
        assertThat(rules.proxyFor(URI.create("https://localhost/x"))).isEqualTo(Proxy.NO_PROXY);
    }

    @Test
    void patternsMeanWhatSnapshotDownloadPatternsMean() {
        GlobPatterns p = new GlobPatterns(java.util.List.of("transformer/", "*.json"), java.util.List.of("*index.json"));
        assertThat(p.keeps("transformer/diffusion_pytorch_model-00001-of-00003.safetensors")).isTrue();
        assertThat(p.keeps("vae/config.json")).isTrue();
        assertThat(p.keeps("transformer/diffusion_pytorch_model.safetensors.index.json")).isFalse();
        assertThat(p.keeps("vae/diffusion_pytorch_model.safetensors")).isFalse();
        assertThat(GlobPatterns.matches("Model.json", "model.json")).isFalse();
    }

    @Test
    void huggingfaceHubsDownloadTimeoutSetsTheStallTimeout() {
        Prefetcher p = Prefetcher.forEnvironment(bare("HF_HUB_DOWNLOAD_TIMEOUT", "120"), Optional.empty(), Optional.empty(), DownloadTuning.defaults());
        assertThat(p.tuning().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(120));
        assertThat(Prefetcher.forEnvironment(bare(), Optional.empty(), Optional.empty(), DownloadTuning.defaults()).tuning().idleTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(60));
        assertThatThrownBy(() -> Prefetcher.forEnvironment(bare("HF_HUB_DOWNLOAD_TIMEOUT", "soon"), Optional.empty(), Optional.empty(),
                DownloadTuning.defaults())).hasMessageContaining("HF_HUB_DOWNLOAD_TIMEOUT='soon' is not a number of seconds");
    }
}
