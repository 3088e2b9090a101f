package dev.aitk.launcher.validate;

import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.HostInfo;
import dev.aitk.launcher.hardware.Source;
import dev.aitk.launcher.images.TestImages;
import dev.aitk.launcher.plan.MemoryBreakdown;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.Prediction;
import dev.aitk.launcher.plan.TrainingSettings;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validator over a temp folder: the shipped-style configs copied in, datasets generated beside them,
 * GPUs only from --gpu-memory/--gpus (never the test machine's), and a stated stand-in for the memory model.
 */
final class ValidatorFixture {
    final Path dir;
    final Path data;
    final Path output;
    final Map<String, String> env = new HashMap<>();
    MemoryPredictor predictor = ValidatorFixture::linearPeak;

    ValidatorFixture(Path dir) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.output = dir.resolve("output");
        env.put("DATASET_DIR", data.toString());
        env.put("OUTPUT_DIR", output.toString());
    }

    /**
     * A simple, stated peak: 34 GiB for bf16 FLUX weights (21 quantized), plus 3 GiB per sample at 1024 px
     * scaled by area, plus 6 GiB of text encoders unless their embeddings are cached.
     */
    static Prediction linearPeak(TrainingSettings s, MemoryBudget budget, int splitGpus) {
        double weights = s.quantize() ? 21 : 34;
        int max = s.resolutionsPx().stream().mapToInt(Integer::intValue).max().orElse(512);
        double activations = 3.0 * s.batchSize() * (max / 1024.0) * (max / 1024.0);
        double te = s.cacheTextEmbeddings() ? 0 : 6;
        return new Prediction(MemoryBreakdown.of(weights, 0, activations, te, 0, budget.cudaContextGib(), budget.marginGib()),
                1.0, 1.0, "training step");
    }

    Environment environment() {
        return Environment.of(env, dir, dir);
    }

    Validator validator() {
        return new Validator(environment(), (o, e) -> o.gpuMemory() == null
                ? new GpuInventory(List.of(), Source.NONE, new HostInfo("test", null, null, Source.NONE), List.of("no GPU in tests"))
                : new GpuDetector(e, new ZtProcessRunner()).detect(o.gpuMemory(), o.gpus()),
                (s, b, n) -> predictor.predict(s, b, n), MemoryBudget::forCard);
    }

    ValidationReport validate(Path config) {
        return validator().validate(config, ValidateOptions.defaults());
    }

    ValidationReport validate(Path config, ValidateOptions options) {
        return validator().validate(config, options);
    }

    /** Copies a config from src/test/resources/validate into the temp folder. */
    Path config(String resource) {
        try (InputStream in = ValidatorFixture.class.getResourceAsStream("/validate/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            Path target = dir.resolve(resource);
            Files.write(target, in.readAllBytes());
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config resource with text replacements applied, as (from, to) pairs: a test's deliberate mistakes. */
    Path config(String resource, String from, String to, String... morePairs) {
        Path p = config(resource);
        try {
            String text = Files.readString(p);
            List<String> pairs = new java.util.ArrayList<>(List.of(from, to));
            pairs.addAll(List.of(morePairs));
            for (int i = 0; i + 1 < pairs.size(); i += 2) {
                if (!text.contains(pairs.get(i))) {
                    throw new IllegalArgumentException(resource + " does not contain " + pairs.get(i));
                }
                text = text.replace(pairs.get(i), pairs.get(i + 1));
            }
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** images/ with captions and masks/ of the same size: what flux-dev-mask.yaml expects. */
    void maskDataset(int count) {
        TestDatasets.images(data.resolve("images"), count, 768, 1024, true);
        TestDatasets.partners(data.resolve("masks"), count, TestImages.png(768, 1024, false), ".png");
    }

    void kontextDataset(int count) {
        TestDatasets.images(data.resolve("images"), count, 768, 1024, true);
        TestDatasets.partners(data.resolve("control"), count, TestImages.jpeg(768, 1024), ".jpg");
    }

    void flex2Dataset(int count) {
        TestDatasets.images(data.resolve("images"), count, 768, 1024, true);
        TestDatasets.partners(data.resolve("inpaint"), count, TestImages.png(768, 1024, true), ".png");
    }
}
