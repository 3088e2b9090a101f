package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.launch.PlannedJobs;
import dev.aitk.launcher.plan.DoesNotFitException;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every planned config the launcher renders (FLUX.1 and FLUX.2 models, 16 to 80 GB cards) is read by the REAL
 * ai-toolkit: its YAML loader, the config classes its trainer builds (TrainConfig, ModelConfig, NetworkConfig,
 * SaveConfig, SampleConfig, DatasetConfig), validate_configs and the model class for the arch
 * (src/test/realtrainer/read-config-classes.py, one python for all configs). What the classes hold must be what
 * the plan decided: ai-toolkit's own defaults and rewrites (qfloat8 to float8 under layer offloading) included.
 */
class RealConfigClassesIT {
    private static final Map<ModelVariant, String> MODEL_CLASS = Map.of(
            ModelVariant.FLUX2_KLEIN_4B, "Flux2Klein4BModel", ModelVariant.FLUX2_KLEIN_9B, "Flux2Klein9BModel",
            ModelVariant.FLUX2_DEV, "Flux2Model", ModelVariant.KONTEXT, "FluxKontextModel");

    @TempDir
    Path dir;

    @Test
    void aiToolkitsConfigClassesReadEveryPlannedConfigAsPlanned() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        Map<Path, TrainingPlan> plans = new LinkedHashMap<>();
        Map<Path, ModelVariant> models = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (ModelVariant model : ModelVariant.values()) {
            for (String card : List.of("16GB", "24GB", "48GB", "80GB")) {
                Environment env = Environment.of(Map.of(), dir, dir);
                GpuInventory gpus = new GpuDetector(env, new ZtProcessRunner()).detect(ByteSize.parse(card), 1);
                TrainingPlan plan;
                try {
                    plan = new Planner(MemoryModel.standard()).plan(gpus, PlanRequest.of(model));
                } catch (DoesNotFitException e) {
                    refused.add(model.cliName() + " on " + card);
                    continue;
                }
                List<Setting> settings = new ArrayList<>(PlannedJobs.toJobs(plan).jobs().get(0).settings());
                settings.add(Setting.cli("datasets[*].folder_path", "/data/images", "--dataset"));
                RenderedConfig r = new ConfigRenderer().render(ConfigTemplate.forModel(model), settings);
                Path config = dir.resolve(model.cliName() + "-" + card + ".yaml");
                AtomicFiles.write(config, r.yaml());
                plans.put(config, plan);
                models.put(config, model);
            }
        }
        assertThat(plans.values().stream().map(p -> p.settings().layerOffloadingPercent() > 0))
                .as("some plan offloads layers (klein 9B on 16 GB)").contains(true);

        Path log = dir.resolve("read.log");
        List<String> args = new ArrayList<>();
        args.add(Path.of("src/test/realtrainer/read-config-classes.py").toAbsolutePath().toString());
        plans.keySet().forEach(p -> args.add(p.toString()));
        int exit = kit.runPython(kit.toolkitDir(), log, 600, args.toArray(String[]::new));
        String output = Files.readString(log);
        assertThat(exit).as(output).isZero();

        Map<String, JsonNode> read = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("AITK_CONFIG ")) {
                JsonNode n = Json.mapper().readTree(line.substring("AITK_CONFIG ".length()));
                read.put(n.path("config").asText(), n);
            }
        }
        assertThat(read).as(output).hasSize(plans.size());
        for (Map.Entry<Path, TrainingPlan> e : plans.entrySet()) {
            JsonNode n = read.get(e.getKey().toString());
            String what = e.getKey().getFileName().toString();
            assertThat(n.path("ok").asBoolean()).as(what + ": " + n.path("traceback").asText()).isTrue();
            checkAsPlanned(what, models.get(e.getKey()), e.getValue(), n.path("processes").get(0));
        }
        System.out.println("ai-toolkit's config classes read " + plans.size() + " planned configs; refused by the "
                + "plan: " + refused);
    }

    private static void checkAsPlanned(String what, ModelVariant model, TrainingPlan plan, JsonNode p) {
        assertThat(p.path("arch").asText()).as(what).isEqualTo(model.arch());
        if (MODEL_CLASS.containsKey(model)) {
            assertThat(p.path("modelClass").asText()).as(what).isEqualTo(MODEL_CLASS.get(model));
        }
        assertThat(p.path("batch_size").asInt()).as(what).isEqualTo(plan.settings().batchSize());
        assertThat(p.path("steps").asInt()).as(what).isEqualTo(plan.schedule().steps());
        assertThat(p.path("gradient_checkpointing").asBoolean()).as(what)
                .isEqualTo(plan.settings().gradientCheckpointing());
        assertThat(p.path("quantize").asBoolean()).as(what).isEqualTo(plan.settings().quantize());
        if (plan.choice("model.qtype") != null) {
            assertThat(p.path("qtype").asText()).as(what).isEqualTo(String.valueOf(plan.choice("model.qtype").value()));
        }
        boolean offloads = plan.settings().layerOffloadingPercent() > 0;
        assertThat(p.path("layer_offloading").asBoolean()).as(what).isEqualTo(offloads);
        if (offloads) {
            assertThat(p.path("qtype").asText()).as(what + ": ModelConfig turns qfloat8 into float8 when offloading")
                    .isNotEqualTo("qfloat8");
            assertThat(p.path("layer_offloading_transformer_percent").asDouble()).as(what)
                    .isEqualTo(plan.settings().layerOffloadingPercent(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(p.path("layer_offloading_text_encoder_percent").asDouble()).as(what).isZero();
        }
        TreeSet<Integer> resolutions = new TreeSet<>();
        p.path("datasets").forEach(d -> resolutions.add(d.path("resolution").asInt()));
        assertThat(resolutions).as(what).containsExactlyElementsOf(new TreeSet<>(plan.settings().resolutionsPx()));
        if (model.isFlux2() || model == ModelVariant.KONTEXT) {
            p.path("datasets").forEach(d -> assertThat(d.path("control_path").isNull()).as(what).isFalse());
            assertThat(p.path("sample_ctrl_imgs").toString()).as(what).doesNotContain("null");
        }
    }
}
