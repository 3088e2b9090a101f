package dev.aitk.launcher.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fake Hub as a program, for src/bench/prefetch-bench.sh: serves a ~1 GB FLUX-shaped repo (one 400 MB shard, two
 * of 150-250 MB, two smaller weights, many small files) until it is stopped.
 * Usage: FakeHubMain CAP_BYTES_PER_SECOND_PER_CONNECTION(0 = none) OUT_DIR. Writes OUT_DIR/endpoint and OUT_DIR/files.
 */
public final class FakeHubMain {
    static final String REPO = "black-forest-labs/FLUX.1-dev";
    private static final long MB = 1_000_000;

    private FakeHubMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        long cap = Long.parseLong(args[0]);
        Path out = Path.of(args[1]);
        try (FakeHub hub = new FakeHub()) {
            FakeHub.Repo repo = hub.repo(REPO)
                    .file("model_index.json", HubFixtures.MODEL_INDEX)
                    .file("flux1-dev.safetensors", FakeHub.Content.synthetic(3 * MB, 100))
                    .file("transformer/config.json", "{\"_class_name\": \"FluxTransformer2DModel\"}")
                    .file("transformer/diffusion_pytorch_model-00001-of-00002.safetensors", FakeHub.Content.synthetic(400 * MB, 101))
                    .file("transformer/diffusion_pytorch_model-00002-of-00002.safetensors", FakeHub.Content.synthetic(230 * MB, 102))
                    .file("transformer/diffusion_pytorch_model.safetensors.index.json", FakeHub.Content.synthetic(120_000, 103))
                    .file("text_encoder_2/config.json", "{\"architectures\": [\"T5EncoderModel\"]}")
                    .file("text_encoder_2/model-00001-of-00001.safetensors", FakeHub.Content.synthetic(170 * MB, 104))
                    .file("text_encoder/config.json", "{\"architectures\": [\"CLIPTextModel\"]}")
                    .file("text_encoder/model.safetensors", FakeHub.Content.synthetic(123 * MB, 105))
                    .file("vae/config.json", "{\"_class_name\": \"AutoencoderKL\"}")
                    .file("vae/diffusion_pytorch_model.safetensors", FakeHub.Content.synthetic(84 * MB, 106))
                    .file("scheduler/scheduler_config.json", "{\"shift\": 3.0}")
                    .file("tokenizer/vocab.json", FakeHub.Content.synthetic(1_060_000, 107))
                    .file("tokenizer/merges.txt", FakeHub.Content.synthetic(525_000, 108))
                    .file("tokenizer/special_tokens_map.json", "{}")
                    .file("tokenizer/tokenizer_config.json", "{}")
                    .file("tokenizer_2/spiece.model", FakeHub.Content.synthetic(792_000, 109))
                    .file("tokenizer_2/tokenizer.json", FakeHub.Content.synthetic(2_420_000, 110))
                    .file("tokenizer_2/special_tokens_map.json", "{}")
                    .file("tokenizer_2/tokenizer_config.json", "{}");
            hub.capBandwidth(cap);
            hub.treePageSize(1000);
            List<String> files = new ArrayList<>();
            for (String path : repo.files.keySet()) {
                if (!path.equals("flux1-dev.safetensors")) {
                    files.add(path + "\t" + repo.get(path).size());
                }
            }
            Files.createDirectories(out);
            Files.write(out.resolve("files"), files, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("endpoint.tmp"), hub.endpoint());
            Files.move(out.resolve("endpoint.tmp"), out.resolve("endpoint"));
            // Serve until the script stops us.
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
