package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.fluxLike;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The prefetch command end to end, in-process, against the fake Hub: exit codes, JSON and the one-sentence errors. */
class PrefetchCommandTest {
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";

    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path home;
    FakeHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        caches.watch(hub, home.resolve("hf/hub"));
        fluxLike(hub, FLUX, 300_000);
        hub.repo("ostris/FLUX.1-schnell-training-adapter").file("pytorch_lora_weights.safetensors", FakeHub.Content.synthetic(100_000, 31));
        hub.repo("ostris/accuracy_recovery_adapters").file("flux_qfloat8_adapter.safetensors", FakeHub.Content.synthetic(90_000, 32))
                .file("other.safetensors", FakeHub.Content.synthetic(90_000, 33));
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    private CliRun cli() {
        return CliRun.in(home).env("HF_HOME", home.resolve("hf").toString());
    }

    @Test
    void prefetchesAModelAndPrintsThePlanThenTheSameDataAsJson() throws IOException {
        CliRun.Result human = cli().run("prefetch", FLUX, "--endpoint", hub.endpoint(), "--components", "vae");
        assertThat(human.exitCode()).as(human.err()).isZero();
        assertThat(human.out()).contains("Plan: 3 file(s)", "to download", "holds everything; the run can load it offline");
        assertThat(human.out()).containsPattern("Fetched \\d+\\.\\d (KiB|MiB) now in \\d+\\.\\d s \\(");

        CliRun.Result offline = cli().run("prefetch", FLUX, "--components", "vae", "--offline");
        assertThat(offline.exitCode()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("Offline check: 3 of 3 file(s) in the cache", "nothing is downloaded")
                .doesNotContain("null", "to download", "Fetched");

        CliRun.Result json = cli().run("prefetch", FLUX, "--endpoint", hub.endpoint(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode doc = Json.mapper().readTree(json.out());
        assertThat(doc.path("complete").asBoolean()).isTrue();
        assertThat(doc.path("repos").get(0).path("commit").asText()).isEqualTo(hub.repo(FLUX).commit());
        assertThat(doc.path("repos").get(0).path("files").findValuesAsText("status")).contains("CACHED", "DOWNLOADED");
    }

    @Test
    void aConfigFetchesTheModelTheAssistantLoraAndTheQuantizationAdapterButNotLocalPaths() throws IOException {
        Files.createDirectories(home.resolve("local-extras"));
        Path config = home.resolve("train.yaml");
        Files.writeString(config, """
                job: extension
                config:
                  name: my_lora
                  process:
                    - type: sd_trainer
                      model:
                        name_or_path: black-forest-labs/FLUX.1-dev
                        extras_name_or_path: ./local-extras
                        assistant_lora_path: ostris/FLUX.1-schnell-training-adapter/pytorch_lora_weights.safetensors
                        qtype: "qfloat8|ostris/accuracy_recovery_adapters/flux_qfloat8_adapter.safetensors"
                        quantize: true
                """);

        CliRun.Result r = cli().run("prefetch", config.toString(), "--endpoint", hub.endpoint(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.path("repos").findValuesAsText("source"))
                .containsExactly("model.name_or_path", "model.assistant_lora_path", "model.qtype");
        assertThat(hub.bytesSent("other.safetensors")).isZero();
        assertThat(hub.bytesSent("flux_qfloat8_adapter.safetensors")).isEqualTo(90_000);
    }

    @Test
    void aProxyThatWantsALoginGetsTheCredentialsFromTheVariableWhichNoOutputShows() throws IOException {
        try (LoginProxy proxy = new LoginProxy("alice", "s3cr:t@pw")) {
            String variable = "http://alice:s3cr%3At%40pw@127.0.0.1:" + proxy.port();
            CliRun.Result ok = cli().env("HTTP_PROXY", variable).env("NO_PROXY", "").env("no_proxy", "")
                    .run("prefetch", FLUX, "--endpoint", hub.endpoint(), "--components", "vae", "--json");
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            assertThat(proxy.forwarded()).as("requests that went through the proxy").isPositive();
            assertThat(hub.requests()).isNotEmpty();
            assertThat(ok.out() + ok.err()).doesNotContain("s3cr", "%3At%40pw");

            CliRun.Result wrong = cli().env("HTTP_PROXY", "http://alice:guessed-pw@127.0.0.1:" + proxy.port())
                    .env("NO_PROXY", "").env("no_proxy", "").run("prefetch", FLUX, "--endpoint", hub.endpoint(), "--json");
            assertThat(wrong.exitCode()).isEqualTo(5);
            assertThat(wrong.err()).contains("wants a login (407) and refused the one given", "user:password followed by @ before the proxy's host");
            assertThat(wrong.out() + wrong.err()).doesNotContain("guessed-pw");
            assertThat(Json.mapper().readTree(wrong.out()).path("exitCode").asInt()).isEqualTo(5);
        }
    }

    @Test
    void anHttpsHubThroughAProxyThatWantsALoginGetsItOnTheConnectTunnelAndNoOutputShowsIt() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(home);
        try (FakeHub https = new FakeHub(certificate.serverContext()); LoginProxy proxy = new LoginProxy("alice", "s3cr:t@pw")) {
            fluxLike(https, FLUX, 300_000);
            https.overBridge(true);
            Path hfHome = home.resolve("hf-over-tls");
            caches.watch(https, hfHome.resolve("hub"));
            CliRun viaProxy = CliRun.in(home).env("HF_HOME", hfHome.toString()).env("SSL_CERT_FILE", certificate.pem().toString())
                    .env("NO_PROXY", "").env("no_proxy", "");

            CliRun.Result ok = viaProxy.env("HTTPS_PROXY", "http://alice:s3cr%3At%40pw@127.0.0.1:" + proxy.port())
                    .run("prefetch", FLUX, "--endpoint", https.endpoint(), "--components", "vae", "--json");

            assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
            assertThat(Json.mapper().readTree(ok.out()).path("complete").asBoolean()).isTrue();
            // Every request went through a tunnel the proxy opened only for the right login, to the Hub, the bridge
            // and the second CDN host alike; none was sent to the proxy as plain HTTP.
            assertThat(proxy.tunnels()).as("CONNECT tunnels opened with the login").isPositive();
            assertThat(proxy.forwarded()).isZero();
            assertThat(https.requests()).isNotEmpty().anyMatch(r -> r.port() == https.secondCdnPort());
            assertThat(ok.out() + ok.err()).doesNotContain("s3cr", "%3At%40pw");

            CliRun.Result wrong = viaProxy.env("HTTPS_PROXY", "http://alice:guessed-pw@127.0.0.1:" + proxy.port())
                    .run("prefetch", FLUX, "--endpoint", https.endpoint(), "--json");
            assertThat(wrong.exitCode()).as(wrong.out() + wrong.err()).isEqualTo(5);
            assertThat(wrong.err()).contains("wants a login (407) and refused the one given");
            assertThat(wrong.out() + wrong.err()).doesNotContain("guessed-pw");
        }
    }

    @Test
    void errorsAreOneSentenceWithTheirExitCodeAndNeverShowTheToken() throws IOException {
        hub.repo(FLUX).gated("hf_right");
        CliRun.Result gated = cli().env("HF_TOKEN", "hf_leaky_secret").run("prefetch", FLUX, "--endpoint", hub.endpoint());
        assertThat(gated.exitCode()).isEqualTo(5);
        assertThat(gated.err()).startsWith("error: " + FLUX + " is gated").contains("accept the license at " + hub.endpoint() + "/" + FLUX);
        assertThat(gated.out() + gated.err()).doesNotContain("hf_leaky_secret");

        CliRun.Result offline = cli().run("prefetch", FLUX, "--offline");
        assertThat(offline.exitCode()).isEqualTo(5);
        assertThat(offline.err()).contains("missing from the cache");
        // The gated attempt left the ref and an empty snapshot folder (as huggingface_hub does), so the commit is known.
        assertThat(offline.out()).contains(FLUX + " @ main (commit " + hub.repo(FLUX).commit().substring(0, 12) + "): not in the cache",
                        "model_index.json is not in the cache", "Offline check: 0 of 0 file(s)")
                .doesNotContain("null", "to download");

        CliRun.Result badId = cli().run("prefetch", "not a model id", "--endpoint", hub.endpoint());
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("is neither a Hub model id");

        CliRun.Result noConfig = cli().run("prefetch", "missing.yaml");
        assertThat(noConfig.exitCode()).isEqualTo(3);

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CliRun.Result down = cli().run("prefetch", "org/model", "--endpoint", "http://127.0.0.1:" + closedPort);
        assertThat(down.exitCode()).isEqualTo(5);
        assertThat(down.err()).contains("cannot reach the Hub at http://127.0.0.1:" + closedPort, "--endpoint", "--offline");
    }

    @Test
    void aConfigNamingItsModelThroughAVariableIsReadAsRunPyReadsIt() throws IOException {
        Path config = home.resolve("vars.yaml");
        Files.writeString(config, "config:\n  process:\n    - model:\n        name_or_path: ${MODEL}\n");

        CliRun.Result r = cli().env("MODEL", FLUX).run("prefetch", config.toString(), "--endpoint", hub.endpoint(), "--components", "vae", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Json.mapper().readTree(r.out()).path("repos").get(0).path("repoId").asText()).isEqualTo(FLUX);
        CliRun.Result unset = cli().run("prefetch", config.toString(), "--endpoint", hub.endpoint());
        assertThat(unset.exitCode()).isEqualTo(3);
        assertThat(unset.err()).contains(config + ":4", "MODEL");
    }

    @Test
    void aConfigWithOnlyLocalPathsNeedsNothing() throws IOException {
        Files.createDirectories(home.resolve("models/flux"));
        Path config = home.resolve("local.yaml");
        Files.writeString(config, "config:\n  process:\n    - model:\n        name_or_path: " + home.resolve("models/flux") + "\n");

        CliRun.Result r = cli().run("prefetch", config.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Nothing to prefetch");
    }
}
