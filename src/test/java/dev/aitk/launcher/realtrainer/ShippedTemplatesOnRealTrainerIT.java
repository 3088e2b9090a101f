package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aitk.launcher.hub.FakeHub;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 5: every shipped FLUX.1 template (flux-dev, flux-kontext and flex2 inpaint; the FLUX.2 ones are
 * helper C's) as {@code launch --dry-run} renders it for a 24, 48 and 80 GB card is read by the real ai-toolkit:
 * its own job and config classes are built from the untouched file (src/test/realtrainer/read-rendered-configs.py,
 * no model loaded, so the GPU plan stays as planned). Then each template, each on another of the three profiles,
 * really trains on the tiny model with sampling on (64 px, one denoising step) through {@code launch}, with only
 * the settings a CPU needs changed by --set: Kontext's samples get their control image and render.
 * Three profiles x three templates of real training would take about 15 minutes on two cores; one run per
 * template keeps the suite inside CI's budget while every profile still trains once.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ShippedTemplatesOnRealTrainerIT {
    private static final List<Integer> PROFILES_GB = List.of(24, 48, 80);
    private static final String READER = "src/test/realtrainer/read-rendered-configs.py";

    /** A shipped template: the tiny model it trains, its arch and model class, and the profile it trains on. */
    private record Template(String name, String model, String arch, String modelClass, int trainsOnGb) {
    }

    private static final List<Template> TEMPLATES = List.of(
            new Template("flux-dev-inpaint", "flux-dev", "flux", "StableDiffusion", 24),
            new Template("flux-kontext-inpaint", "flux-kontext", "flux_kontext", "FluxKontextModel", 48),
            new Template("flex2-inpaint", "flex2", "flex2", "Flex2", 80));

    @TempDir
    Path tmp;
    private FakeHub hub;
    private TinyDataset data;
    private Path inpaint;

    @BeforeEach
    void startHub() throws Exception {
        hub = new FakeHub();
        data = TinyDataset.write(tmp.resolve("data"), 4);
        inpaint = writeInpaintImages(data, tmp.resolve("data/inpaint"));
    }

    @AfterEach
    void stopHub() throws Exception {
        hub.close();
    }

    @Test
    void everyTemplateOnEveryProfileIsReadByAiToolkitsOwnConfigClasses() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        LauncherProcess launcher = new LauncherProcess(kit, tmp, hub);
        Map<Path, String> rendered = new HashMap<>();
        for (Template t : TEMPLATES) {
            for (int gb : PROFILES_GB) {
                String label = t.name() + "-" + gb;
                List<String> args = new ArrayList<>(List.of("launch", "--dry-run", "--template", t.name(),
                        "--gpu-memory", gb + "GB", "--gpus", "1", "--dataset", data.images().toString(),
                        "--output", tmp.resolve("dry").resolve(label).toString(), "--name", "t" + gb));
                args.addAll(CpuRun.asArgs(partnerFolders(t)));
                int code = launcher.run(label, 300, args);
                assertThat(code).as(launcher.text(label)).isZero();
                rendered.put(tmp.resolve("dry").resolve(label).resolve("t" + gb + ".yaml"), label);
            }
        }

        Map<String, JsonNode> read = readByAiToolkit(kit, List.copyOf(rendered.keySet()));

        for (Template t : TEMPLATES) {
            List<JsonNode> profiles = new ArrayList<>();
            for (int gb : PROFILES_GB) {
                JsonNode c = read.get(t.name() + "-" + gb);
                assertThat(c).as(t.name() + " at " + gb + " GB read by ai-toolkit").isNotNull();
                assertThat(c.path("job").asText()).isEqualTo("ExtensionJob");
                assertThat(c.path("process").asText()).isEqualTo("SDTrainer");
                assertThat(c.path("arch").asText()).isEqualTo(t.arch());
                assertThat(c.path("modelClass").asText()).as("ai-toolkit's model class").isEqualTo(t.modelClass());
                assertThat(c.path("disableSampling").asBoolean()).as("sampling on").isFalse();
                if (t.arch().equals("flux_kontext")) {
                    assertThat(c.path("cacheTextEmbeddings").asBoolean())
                            .as("Kontext samples need T5: no cached text embeddings").isFalse();
                    assertThat(c.path("samples")).as("Kontext samples").isNotEmpty().allSatisfy(s ->
                            assertThat(s.path("ctrl_img").asText()).as("each sample's control image")
                                    .isEqualTo(data.control().resolve("img0.png").toString()));
                }
                profiles.add(c);
            }
            assertThat(profiles.get(0).path("quantize").asBoolean()).as(t.name() + ": 24 GB is planned 8-bit").isTrue();
            assertThat(profiles.stream().map(p -> p.path("batchSize").asInt() + "/" + p.path("quantize").asBoolean()
                    + "/" + p.path("gradientCheckpointing").asBoolean()).distinct().count())
                    .as(t.name() + ": the three profiles are planned differently").isGreaterThan(1);
        }
    }

    @Test
    void eachTemplateTrainsWithSamplingOnTheRealTrainer() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        LauncherProcess launcher = new LauncherProcess(kit, tmp, hub);
        for (Template t : TEMPLATES) {
            String repo = "aitk-tests/tiny-" + t.model();
            LauncherProcess.serve(hub, repo, kit.model(t.model()));
            String name = "tpl_" + t.model().replace('-', '_');
            Path out = tmp.resolve("runs");
            List<String> args = new ArrayList<>(List.of("launch", "--template", t.name(),
                    "--gpu-memory", t.trainsOnGb() + "GB", "--gpus", "1", "--dataset", data.images().toString(),
                    "--output", out.toString(), "--name", name,
                    "--toolkit-dir", kit.toolkitDir().toString(), "--python", kit.python().toString()));
            List<String> settings = new ArrayList<>(partnerFolders(t));
            // What a CPU needs, and a tiny sampling: the rest stays as the profile planned it.
            settings.addAll(CpuRun.settings(repo, 2));
            settings.addAll(List.of("train.disable_sampling=false", "train.skip_first_sample=false", "sample.width=64",
                    "sample.height=64", "sample.sample_steps=1", "sample.sample_every=2"));
            args.addAll(CpuRun.asArgs(settings));

            int code = launcher.run(name, 600, args);

            String text = launcher.text(name);
            assertThat(code).as(t.name() + " on the real trainer:\n" + text).isZero();
            JsonNode record = new ObjectMapper().readTree(out.resolve(name).resolve("run.json").toFile());
            assertThat(record.path("status").asText()).isEqualTo("succeeded");
            assertThat(record.path("stepsDone").asLong()).isEqualTo(2);
            SafetensorsFile lora = SafetensorsFile.read(out.resolve(name).resolve(name + ".safetensors"));
            assertThat(lora.tensors()).isNotEmpty();
            try (Stream<Path> samples = Files.list(out.resolve(name).resolve("samples"))) {
                assertThat(samples.map(p -> p.getFileName().toString()))
                        .as(t.name() + ": sample images rendered before and after training")
                        .filteredOn(n -> n.endsWith(".jpg") || n.endsWith(".png")).hasSizeGreaterThanOrEqualTo(2);
            }
        }
    }

    /** The folders each template's dataset pairs with the images; Kontext's samples get a control image. */
    private List<String> partnerFolders(Template t) {
        String ctrl = data.control().resolve("img0.png").toString();
        return switch (t.arch()) {
            case "flux" -> List.of("datasets[0].mask_path=" + data.masks());
            case "flux_kontext" -> List.of("datasets[0].control_path=" + data.control(),
                    "sample.samples[0].ctrl_img=" + ctrl, "sample.samples[1].ctrl_img=" + ctrl);
            default -> List.of("datasets[0].inpaint_path=" + inpaint);
        };
    }

    /** ai-toolkit's reading of each config, by the launcher label its folder carries. */
    private Map<String, JsonNode> readByAiToolkit(RealTrainerKit kit, List<Path> configs) throws Exception {
        List<String> args = new ArrayList<>(List.of(Path.of(READER).toAbsolutePath().toString()));
        configs.forEach(c -> args.add(c.toString()));
        Path log = tmp.resolve("read-rendered-configs.log");
        int code = kit.runPython(kit.toolkitDir(), log, 900, args.toArray(String[]::new));
        String output = Files.readString(log);
        assertThat(code).as("ai-toolkit could not read every rendered config:\n" + output).isZero();
        Map<String, JsonNode> byLabel = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : output.split("\n")) {
            if (line.startsWith("AITK_CONFIG ")) {
                JsonNode c = json.readTree(line.substring("AITK_CONFIG ".length()));
                byLabel.put(Path.of(c.path("file").asText()).getParent().getFileName().toString(), c);
            }
        }
        return byLabel;
    }

    /** RGBA copies of the images whose transparent square is what Flex.2 learns to inpaint. */
    private static Path writeInpaintImages(TinyDataset data, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> images = Files.list(data.images())) {
            for (Path image : images.filter(p -> p.toString().endsWith(".png")).toList()) {
                BufferedImage rgb = ImageIO.read(image.toFile());
                BufferedImage rgba = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_INT_ARGB);
                for (int y = 0; y < rgb.getHeight(); y++) {
                    for (int x = 0; x < rgb.getWidth(); x++) {
                        boolean hole = x >= 16 && x < 48 && y >= 16 && y < 48;
                        rgba.setRGB(x, y, hole ? 0 : 0xFF000000 | rgb.getRGB(x, y));
                    }
                }
                ImageIO.write(rgba, "png", dir.resolve(image.getFileName()).toFile());
            }
        }
        return dir;
    }
}
