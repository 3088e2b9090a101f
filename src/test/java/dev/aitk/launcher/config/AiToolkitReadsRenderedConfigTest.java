package dev.aitk.launcher.config;

import dev.aitk.launcher.util.AtomicFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.launch.PlannedJobs;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped template, rendered with the flags a user gives, read by real Python + PyYAML the way
 * ai-toolkit's run.py reads it (toolkit/config.py's loader) and checked against the keys its config classes
 * read (read_like_ai_toolkit.py names the class for each check).
 */
class AiToolkitReadsRenderedConfigTest {
    @TempDir
    static Path dir;
    static Path script;

    @BeforeAll
    static void pythonWithPyYaml() throws Exception {
        boolean available;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import yaml").redirectErrorStream(true).start();
            available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        }
        assumeTrue(available, "python3 with PyYAML is not installed; .ci/run installs it (pip install pyyaml)");
        script = dir.resolve("read_like_ai_toolkit.py");
        try (InputStream in = AiToolkitReadsRenderedConfigTest.class.getResourceAsStream("read_like_ai_toolkit.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    // The FLUX.2 templates ship before their model variants exist (helper C adds them); listed until then.
    static List<String> templates() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(ConfigTemplate.shippedNames());
        names.addAll(List.of("flux2-klein-4b-inpaint", "flux2-klein-9b-inpaint", "flux2-dev-inpaint"));
        return List.copyOf(names);
    }

    @ParameterizedTest
    @MethodSource("templates")
    void aiToolkitReadsTheRenderedConfig(String template) throws Exception {
        List<Setting> settings = new ArrayList<>();
        settings.add(Setting.cli("config.name", "my_lora", "--name"));
        settings.add(Setting.cli("training_folder", "C:\\Users\\Ann Lee\\runs", "--output"));
        settings.add(Setting.cli("datasets[*].folder_path", "D:\\data\\it's 100% \"mine\"", "--dataset"));
        settings.add(Setting.plan("train.batch_size", 2, "fits"));
        settings.add(Setting.plan("datasets[*].resolution", List.of(512, 768), "fits"));
        settings.addAll(Overrides.parse(List.of("train.lr=5e-5", "sample.prompts=[a cat, 'yes', 123 apples]",
                "datasets[0].control_path=/data/masked", "datasets[0].inpaint_path=/data/inpaint")));
        RenderedConfig r = new ConfigRenderer().render(ConfigTemplate.shipped(template), settings);
        Path config = dir.resolve(template + ".yaml");
        AtomicFiles.write(config, r.yaml());

        JsonNode summary = readLikeAiToolkit(config);
        assertThat(summary.at("/name/0").asText()).isEqualTo("my_lora");
        assertThat(summary.at("/training_folder/0").asText()).isEqualTo("C:\\Users\\Ann Lee\\runs");
        assertThat(summary.at("/folder_path/0").asText()).isEqualTo("D:\\data\\it's 100% \"mine\"");
        assertThat(summary.at("/lr/1").asText()).isEqualTo("float");
        assertThat(summary.at("/lr/0").asDouble()).isEqualTo(5e-5);
        assertThat(summary.at("/batch_size").toString()).isEqualTo("[2,\"int\"]");
        assertThat(summary.at("/resolution/0").toString()).isEqualTo("[512,768]");
        assertThat(summary.at("/prompts/0").toString()).isEqualTo("[\"a cat\",\"yes\",\"123 apples\"]");
        assertThat(summary.at("/dataset_keys").toString()).contains("\"control_path\"", "\"inpaint_path\"");
        if (template.startsWith("flux-kontext") || template.startsWith("flux2")) {
            assertThat(summary.at("/sample_controls").toString()).as("every sample edits a reference image")
                    .doesNotContain("null").contains("/path/to/masked/example.jpg");
        }
    }

    static List<Arguments> plannedCases() {
        List<Arguments> cases = new ArrayList<>();
        for (ModelVariant model : ModelVariant.values()) {
            // FLUX.2-dev's loader puts Mistral-Small (24 B) on the GPU in bf16 (flux2_model.py load_te): the plan
            // refuses cards under 48 GB (plan's Flux2PlanTest).
            for (String card : model == ModelVariant.FLUX2_DEV ? List.of("48GB", "80GB") : List.of("24GB", "80GB")) {
                cases.add(Arguments.of(model, card));
            }
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("plannedCases")
    void aiToolkitReadsThePlannedConfig(ModelVariant model, String card) throws Exception {
        Environment env = Environment.of(Map.of(), dir, dir);
        GpuInventory gpus = new GpuDetector(env, new ZtProcessRunner()).detect(ByteSize.parse(card), 1);
        TrainingPlan plan = new Planner(MemoryModel.standard()).plan(gpus, PlanRequest.of(model));
        List<Setting> settings = new ArrayList<>(PlannedJobs.toJobs(plan).jobs().get(0).settings());
        settings.add(Setting.cli("datasets[*].folder_path", "/data/images", "--dataset"));
        RenderedConfig r = new ConfigRenderer().render(ConfigTemplate.forModel(model), settings);
        Path config = dir.resolve("planned-" + model + "-" + card + ".yaml");
        AtomicFiles.write(config, r.yaml());
        JsonNode summary = readLikeAiToolkit(config);
        assertThat(summary.at("/batch_size/0").asInt()).isEqualTo(plan.settings().batchSize());
        assertThat(summary.at("/resolution/0").toString())
                .isEqualTo(plan.settings().resolutionsPx().toString().replace(" ", ""));
        assertThat(summary.at("/arch/0").asText()).isEqualTo(model.arch());
    }

    private static JsonNode readLikeAiToolkit(Path config) throws Exception {
        Process p = new ProcessBuilder("python3", script.toString(), config.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Json.mapper().readTree(out);
    }
}
