package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Repos shaped like the ones ai-toolkit downloads, and settings that make faults cost a second, not a minute. */
final class HubFixtures {
    static final String MODEL_INDEX = """
            {
              "_class_name": "FluxPipeline",
              "_diffusers_version": "0.30.0.dev0",
              "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
              "text_encoder": ["transformers", "CLIPTextModel"],
              "text_encoder_2": ["transformers", "T5EncoderModel"],
              "tokenizer": ["transformers", "CLIPTokenizer"],
              "tokenizer_2": ["transformers", "T5TokenizerFast"],
              "transformer": ["diffusers", "FluxTransformer2DModel"],
              "vae": ["diffusers", "AutoencoderKL"]
            }
            """;

    private HubFixtures() {
    }

    /** A small FLUX.1-dev look-alike: diffusers folders plus the root single-file checkpoints a run must not fetch. */
    static FakeHub.Repo fluxLike(FakeHub hub, String id, long shardBytes) {
        return hub.repo(id)
                .file(".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n")
                .file("README.md", "# FLUX look-alike\n")
                .file("model_index.json", MODEL_INDEX)
                .file("flux1-dev.safetensors", FakeHub.Content.synthetic(3 * shardBytes, 1))
                .file("ae.safetensors", FakeHub.Content.synthetic(shardBytes / 4, 2))
                .file("scheduler/scheduler_config.json", "{\"_class_name\": \"FlowMatchEulerDiscreteScheduler\", \"shift\": 3.0}")
                .file("text_encoder/config.json", "{\"architectures\": [\"CLIPTextModel\"]}")
                .file("text_encoder/model.safetensors", FakeHub.Content.synthetic(shardBytes / 3, 3))
                .file("text_encoder_2/config.json", "{\"architectures\": [\"T5EncoderModel\"]}")
                .file("text_encoder_2/model-00001-of-00002.safetensors", FakeHub.Content.synthetic(shardBytes, 4))
                .file("text_encoder_2/model-00002-of-00002.safetensors", FakeHub.Content.synthetic(shardBytes / 2, 5))
                .file("text_encoder_2/model.safetensors.index.json", "{\"metadata\": {}, \"weight_map\": {}}")
                .file("tokenizer/vocab.json", "{\"a\": 0}")
                .file("tokenizer/merges.txt", "#version: 0.2\n")
                .file("tokenizer/tokenizer_config.json", "{}")
                .file("tokenizer_2/spiece.model", FakeHub.Content.synthetic(7919, 6))
                .file("tokenizer_2/tokenizer_config.json", "{}")
                .file("transformer/config.json", "{\"_class_name\": \"FluxTransformer2DModel\"}")
                .file("transformer/diffusion_pytorch_model-00001-of-00002.safetensors", FakeHub.Content.synthetic(shardBytes, 7))
                .file("transformer/diffusion_pytorch_model-00002-of-00002.safetensors", FakeHub.Content.synthetic(shardBytes / 2 + 12345, 8))
                .file("transformer/diffusion_pytorch_model.safetensors.index.json", "{\"metadata\": {}, \"weight_map\": {}}")
                .file("vae/config.json", "{\"_class_name\": \"AutoencoderKL\"}")
                .file("vae/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(shardBytes / 5, 9))
                .file("vae/diffusion_pytorch_model.bin", FakeHub.Content.synthetic(shardBytes / 5, 10));
    }

    /** Small chunks, a 1 s idle timeout and millisecond backoffs, so every fault path runs in about a second. */
    static DownloadTuning fastTuning() {
        return new DownloadTuning(6, 64 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(2), 4,
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30), true);
    }

    static Environment env(Path home, String... pairs) {
        Map<String, String> vars = new HashMap<>();
        vars.put("HF_HOME", home.resolve("hf").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return Environment.of(vars, home, home);
    }

    static Prefetcher prefetcher(FakeHub hub, Environment env) {
        return Prefetcher.forEnvironment(env, java.util.Optional.of(hub.endpoint()), java.util.Optional.empty(), fastTuning());
    }
}
