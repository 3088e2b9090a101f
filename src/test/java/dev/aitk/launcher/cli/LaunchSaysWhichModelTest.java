package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.images.TestImages;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** launch and init say which model the config trains and why; without a dataset, which models inpaint. */
class LaunchSaysWhichModelTest {
    @TempDir
    Path home;

    @Test
    void theHeadlineDryRunNamesTheInpaintingModelsAndHowToChoose() throws Exception {
        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "80GB", "--gpus", "2", "--dry-run");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Model: dev (black-forest-labs/FLUX.1-dev): no --dataset to read")
                .contains("to inpaint, use --model kontext or flex2").contains("datasets[0].control_path")
                .contains("give --dataset DIR and the model its layout shows");
    }

    @Test
    void aControlFolderBesideTheImagesMakesItKontextAndSaysSo() throws Exception {
        Path images = Files.createDirectories(home.resolve("shoes/images"));
        Path control = Files.createDirectories(home.resolve("shoes/control"));
        for (Path dir : new Path[] {images, control}) {
            Files.write(dir.resolve("a.png"), TestImages.png(512, 512, false));
        }

        CliRun.Result r = CliRun.in(home).run("launch", "--gpu-memory", "48GB", "--gpus", "1", "--dataset",
                "shoes/images", "--dry-run", "--json");
        CliRun.Result init = CliRun.in(home).run("init", "--gpu-memory", "48GB", "--gpus", "1", "--dataset",
                "shoes/images", "--output", "runs");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode model = Json.mapper().readTree(r.out()).get("model");
        assertThat(model.get("variant").asText()).isEqualTo("KONTEXT");
        assertThat(model.get("reason").asText()).startsWith("the dataset's layout: " + control + " holds control images");
        assertThat(init.out()).startsWith("Model: kontext (black-forest-labs/FLUX.1-Kontext-dev): the dataset's layout");
    }
}
