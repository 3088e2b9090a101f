package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    @TempDir
    Path home;

    private CliRun.Result plan(String... args) throws Exception {
        Path emptyBin = Files.createDirectories(home.resolve("empty-bin"));
        String[] full = new String[args.length + 1];
        full[0] = "plan";
        System.arraycopy(args, 0, full, 1, args.length);
        return CliRun.in(home).env("PATH", emptyBin.toString()).run(full);
    }

    private static JsonNode json(CliRun.Result r) throws Exception {
        return Json.mapper().readTree(r.out());
    }

    @Test
    void a24GbCardGetsAnExplainedPlanWithTheMemoryBreakdown() throws Exception {
        CliRun.Result r = plan("--gpu-memory", "24GB", "--gpus", "1", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = json(r).get("plan");
        JsonNode memory = plan.get("prediction").get("memory");
        for (String part : new String[] {"transformer_weights", "lora_and_optimizer", "activations", "text_encoders",
            "vae", "cuda_context", "margin", "total"}) {
            assertThat(memory.has(part)).as(part).isTrue();
        }
        assertThat(memory.get("unit").asText()).isEqualTo("GiB");
        assertThat(memory.get("total").asDouble()).isLessThanOrEqualTo(24.0);
        assertThat(plan.get("budget").get("usableGib").asDouble()).isLessThan(24.0);
        assertThat(plan.get("prediction").get("samplesPerSecond").asDouble()).isPositive();
        JsonNode choices = plan.get("choices");
        assertThat(choices.size()).isGreaterThan(10);
        for (JsonNode c : choices) {
            assertThat(c.get("key").asText()).matches("(train|model|network|datasets\\[\\*\\])\\.[a-z_]+");
            assertThat(c.get("reason").asText()).isNotBlank();
        }
    }

    @Test
    void jsonCarriesEveryPhaseTheTrainingLengthAndTheFit() throws Exception {
        CliRun.Result r = plan("--gpu-memory", "80GB", "--gpus", "1", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = json(r).get("plan");
        JsonNode phases = plan.get("prediction").get("phases");
        assertThat(phases).isNotEmpty();
        assertThat(phases.get(phases.size() - 1).get("phase").asText()).isEqualTo("training_step");
        for (JsonNode p : phases) {
            assertThat(p.get("memory").get("total").asDouble()).isPositive();
            assertThat(p.get("peakGib").asDouble()).isLessThan(p.get("memory").get("total").asDouble());
        }
        JsonNode schedule = plan.get("schedule");
        int batch = plan.get("settings").get("batchSize").asInt();
        assertThat(schedule.get("steps").asInt() * batch).isBetween(2000, 2000 + batch - 1);
        assertThat(schedule.get("totalSeconds").asDouble()).isPositive();
        assertThat(schedule.get("totalTime").asText()).isNotBlank();
        assertThat(schedule.get("samplesPerSecond").asDouble()).isPositive();
        assertThat(plan.get("peakFit").get("usableGib").asDouble()).isEqualTo(plan.get("budget").get("usableGib").asDouble());
        assertThat(plan.get("peakFit").get("peakGib").asDouble()).isEqualTo(plan.get("prediction").get("peakGib").asDouble());
    }

    @Test
    void epochsOverADatasetSetTheSteps() throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        for (int i = 0; i < 10; i++) {
            Files.write(data.resolve("img" + i + ".png"), new byte[] {1});
        }
        CliRun.Result r = plan("--gpu-memory", "48GB", "--dataset", data.toString(), "--epochs", "5",
                "--resolution", "512", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode schedule = json(r).get("plan").get("schedule");
        assertThat(schedule.get("samples").asInt()).isEqualTo(50);
        assertThat(schedule.get("epochs").asDouble()).isEqualTo(5.0);
        CliRun.Result human = plan("--gpu-memory", "48GB", "--dataset", data.toString(), "--epochs", "5");
        assertThat(human.out()).contains("Training: ").contains("5.0 epochs").contains("Fit: peak ");
        CliRun.Result noData = plan("--gpu-memory", "48GB", "--epochs", "5");
        assertThat(noData.exitCode()).isEqualTo(2);
        assertThat(noData.err()).contains("needs --dataset");
    }

    @Test
    void theTemplateDecidesTheModelAndItsStepsAreTheBudget() throws Exception {
        CliRun.Result r = plan("--gpu-memory", "48GB", "--template", "flux-kontext-inpaint", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode out = json(r);
        assertThat(out.get("model").get("variant").asText()).isEqualTo("KONTEXT");
        assertThat(out.get("model").get("reason").asText()).contains("arch: flux_kontext");
        assertThat(out.get("plan").get("schedule").get("budget").asText())
                .isEqualTo("flux-kontext-inpaint's 3000 steps at batch 1");
        CliRun.Result clash = plan("--gpu-memory", "48GB", "--model", "dev", "--template", "flux-kontext-inpaint");
        assertThat(clash.exitCode()).isEqualTo(2);
        assertThat(clash.err()).contains("--model dev conflicts with --template flux-kontext-inpaint")
                .contains("kontext");
    }

    @Test
    void withoutModelOrTemplateTheDatasetLayoutPicksTheInpaintingVariant() throws Exception {
        Path root = home.resolve("shoes");
        Path images = Files.createDirectories(root.resolve("images"));
        Path control = Files.createDirectories(root.resolve("control"));
        for (Path dir : new Path[] {images, control}) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64,
                    java.awt.image.BufferedImage.TYPE_INT_RGB), "png", dir.resolve("a.png").toFile());
        }
        CliRun.Result r = plan("--gpu-memory", "48GB", "--dataset", images.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Model: kontext").contains("holds control images");
    }

    @Test
    void twoEightyGbCardsPlanOneJobAndSayWhatTheSecondCardIsFor() throws Exception {
        CliRun.Result r = plan("--gpu-memory", "80GB", "--gpus", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode plan = json(r).get("plan");
        assertThat(plan.get("layout").get("mode").asText()).isEqualTo("SINGLE_GPU");
        assertThat(plan.get("notes").get(0).asText()).contains("[1]");
        assertThat(json(r).get("gpus").size()).isEqualTo(2);
    }

    @Test
    void smallCardsAreRefusedWithExitFourAndTheRefusalAsJson() throws Exception {
        for (String size : new String[] {"12GB", "8GB"}) {
            CliRun.Result r = plan("--gpu-memory", size, "--gpus", "1", "--json");
            assertThat(r.exitCode()).isEqualTo(4);
            assertThat(r.err()).startsWith("error: nothing fits a GPU with");
            JsonNode refusal = json(r).get("refusal");
            assertThat(refusal.get("smallestCardGib").asDouble()).isEqualTo(24.0);
            assertThat(refusal.get("predictedPeakGib").asDouble()).isGreaterThan(refusal.get("usableGib").asDouble());
        }
    }

    @Test
    void humanOutputShowsBudgetSettingsMemoryAndSpeedWithin80Columns() throws Exception {
        CliRun.Result r = plan("--gpu-memory", "80GB", "--gpus", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("CUDA context", "margin", "usable", "train.batch_size", "Predicted peak",
                "transformer_weights", "samples/s", "CUDA_VISIBLE_DEVICES=0");
        for (String line : r.out().split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
        }
    }

    @Test
    void pinsAreReportedAndAPinnedPlanThatDoesNotFitSaysWhatToDrop() throws Exception {
        CliRun.Result ok = plan("--gpu-memory", "48GB", "--resolution", "512,768", "--batch-size", "2", "--rank", "32");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("train.batch_size: 2  (pinned)", "datasets[*].resolution: [512, 768]  (pinned)",
                "network.linear: 32  (pinned)");
        CliRun.Result no = plan("--gpu-memory", "24GB", "--no-quantize");
        assertThat(no.exitCode()).isEqualTo(4);
        assertThat(no.err()).contains("the pinned plan does not fit", "drop --no-quantize");
    }

    @Test
    void aTransformerConfigSizesTheModel(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"attention_head_dim\": 128, \"num_attention_heads\": 24, \"num_layers\": 8,"
                + " \"num_single_layers\": 38, \"joint_attention_dim\": 4096, \"in_channels\": 64}");
        CliRun.Result r = plan("--gpu-memory", "24GB", "--model", "flex2", "--transformer-config", config.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(r).get("plan").get("settings").get("shape").get("numLayers").asInt()).isEqualTo(8);
        CliRun.Result missing = plan("--gpu-memory", "24GB", "--transformer-config", dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("nope.json");
    }

    @Test
    void badValuesAreUsageErrors() throws Exception {
        assertThat(plan("--gpu-memory", "24GB", "--resolution", "500").exitCode()).isEqualTo(2);
        assertThat(plan("--gpu-memory", "24GB", "--optimizer", "sgdx").exitCode()).isEqualTo(2);
        assertThat(plan("--gpu-memory", "24GB", "--model", "sdxl").exitCode()).isEqualTo(2);
        assertThat(plan("--gpu-memory", "80XB").exitCode()).isEqualTo(2);
    }

    @Test
    void withoutAGpuAndWithoutFlagsNothingIsPlanned() throws Exception {
        CliRun.Result r = plan();
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.err()).contains("--gpu-memory");
        assertThat(r.out()).doesNotContain("train.batch_size");
    }
}
