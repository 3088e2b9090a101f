package dev.aitk.launcher.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FLUX.2 config's prefetch fetches what ai-toolkit's flux2 classes read: the one transformer file of the model's
 * repo (not its diffusers folders), the text encoder from its own repository, and the VAE; a gated text-encoder
 * repo fails the prefetch before the run, naming that repo.
 */
class Flux2DownloadsTest {
    private static final String KLEIN = "black-forest-labs/FLUX.2-klein-base-4B";
    private static final String FLUX2_DEV = "black-forest-labs/FLUX.2-dev";
    private static final String MISTRAL = "mistralai/Mistral-Small-3.1-24B-Instruct-2503";

    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path home;
    FakeHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        caches.watch(hub, home.resolve("hf/hub"));
        // The published klein repo: diffusers folders (with their own copy of Qwen3) beside the single file.
        hub.repo(KLEIN).file("model_index.json", "{\"_class_name\": \"Flux2KleinPipeline\", "
                        + "\"transformer\": [\"diffusers\", \"Flux2Transformer2DModel\"], "
                        + "\"text_encoder\": [\"transformers\", \"Qwen3ForCausalLM\"]}")
                .file("transformer/config.json", "{}")
                .file("transformer/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(200_000, 1))
                .file("text_encoder/config.json", "{}")
                .file("text_encoder/model.safetensors", FakeHub.Content.synthetic(200_000, 2))
                .file("flux-2-klein-base-4b.safetensors", FakeHub.Content.synthetic(120_000, 3));
        hub.repo("Qwen/Qwen3-4B").file("config.json", "{\"model_type\": \"qwen3\"}")
                .file("tokenizer.json", "{}").file("tokenizer_config.json", "{}")
                .file("model.safetensors.index.json", "{}")
                .file("model-00001-of-00001.safetensors", FakeHub.Content.synthetic(150_000, 4))
                .file("README.md", "# Qwen3");
        hub.repo("ai-toolkit/flux2_vae").file("ae.safetensors", FakeHub.Content.synthetic(50_000, 5))
                .file("vae/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(50_000, 6));
        hub.repo(FLUX2_DEV).file("flux2-dev.safetensors", FakeHub.Content.synthetic(130_000, 7))
                .file("ae.safetensors", FakeHub.Content.synthetic(40_000, 8))
                .file("transformer/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(200_000, 9));
        hub.repo(MISTRAL).file("config.json", "{}").file("tokenizer.json", "{}").file("processor_config.json", "{}")
                .file("model.safetensors.index.json", "{}")
                .file("model-00001-of-00001.safetensors", FakeHub.Content.synthetic(110_000, 10))
                .file("consolidated.safetensors", FakeHub.Content.synthetic(110_000, 11))
                .file("params.json", "{}");
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    private Path config(String arch, String model, String extra) throws IOException {
        Path config = home.resolve(arch + ".yaml");
        Files.writeString(config, """
                job: extension
                config:
                  name: my_lora
                  process:
                    - type: sd_trainer
                      model:
                        arch: %s
                        name_or_path: %s
                %s""".formatted(arch, model, extra));
        return config;
    }

    private CliRun.Result prefetch(Path config, String... env) {
        CliRun cli = CliRun.in(home).env("HF_HOME", home.resolve("hf").toString());
        for (int i = 0; i < env.length; i += 2) {
            cli.env(env[i], env[i + 1]);
        }
        return cli.run("prefetch", config.toString(), "--endpoint", hub.endpoint(), "--json");
    }

    @Test
    void kleinFetchesItsTransformerFileQwen3AndTheVaeNotTheDiffusersFolders() throws IOException {
        CliRun.Result r = prefetch(config("flux2_klein_4b", KLEIN, ""));

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.path("repos").findValuesAsText("repoId"))
                .containsExactly(KLEIN, "Qwen/Qwen3-4B", "ai-toolkit/flux2_vae");
        assertThat(doc.path("repos").get(1).path("source").asText())
                .isEqualTo("model.arch flux2_klein_4b: the Qwen3-4B text encoder (flux2_klein_model.py flux2_klein_te_path)");
        assertThat(hub.bytesSent("flux-2-klein-base-4b.safetensors")).isEqualTo(120_000);
        assertThat(hub.bytesSent("transformer/diffusion_pytorch_model.safetensors")).isZero();
        assertThat(hub.bytesSent("text_encoder/model.safetensors")).isZero();
        assertThat(hub.bytesSent("model-00001-of-00001.safetensors")).isEqualTo(150_000);
        assertThat(hub.bytesSent("ae.safetensors")).isEqualTo(50_000);
        assertThat(hub.bytesSent("vae/diffusion_pytorch_model.safetensors")).isZero();
    }

    @Test
    void aVaePathInTheConfigReplacesTheDefaultVaeRepository() throws IOException {
        hub.repo("someone/my_vae").file("ae.safetensors", FakeHub.Content.synthetic(30_000, 12));
        CliRun.Result r = prefetch(config("flux2_klein_4b", KLEIN, "        vae_path: someone/my_vae\n"));

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(Json.mapper().readTree(r.out()).path("repos").findValuesAsText("repoId"))
                .containsExactly(KLEIN, "someone/my_vae", "Qwen/Qwen3-4B");
    }

    @Test
    void flux2DevFetchesItsFileItsVaeAndMistralWithoutTheConsolidatedCopy() throws IOException {
        CliRun.Result r = prefetch(config("flux2", FLUX2_DEV, ""));

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.path("repos").findValuesAsText("repoId")).containsExactly(FLUX2_DEV, FLUX2_DEV, MISTRAL);
        assertThat(hub.bytesSent("flux2-dev.safetensors")).isEqualTo(130_000);
        assertThat(hub.bytesSent("ae.safetensors")).isEqualTo(40_000);
        assertThat(hub.bytesSent("model-00001-of-00001.safetensors")).isEqualTo(110_000);
        assertThat(hub.bytesSent("consolidated.safetensors")).as("transformers never reads it").isZero();
        assertThat(hub.bytesSent("transformer/diffusion_pytorch_model.safetensors")).isZero();
    }

    @Test
    void aGatedTextEncoderRepoStopsThePrefetchNamingThatRepo() throws IOException {
        hub.repo(MISTRAL).gated("hf_accepted_mistral");
        CliRun.Result r = prefetch(config("flux2", FLUX2_DEV, ""), "HF_TOKEN", "hf_not_accepted");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(5);
        assertThat(r.err() + r.out()).contains(MISTRAL).doesNotContain("hf_not_accepted");
    }

    @Test
    void aFluxOneConfigNeedsNothingBeyondItsRepo() throws IOException {
        Path config = config("flux", "black-forest-labs/FLUX.1-dev", "");
        assertThat(ModelReferences.fromConfig(config, HubFixtures.env(home)).stream().map(ModelReference::display))
                .containsExactly("black-forest-labs/FLUX.1-dev");
    }
}
