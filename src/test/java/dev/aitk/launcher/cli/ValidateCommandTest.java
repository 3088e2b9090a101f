package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path home;

    private static final String CONFIG = """
            job: extension
            config:
              name: cli_lora
              process:
                - type: sd_trainer
                  training_folder: output
                  network: {type: lora, linear: 16, linear_alpha: 16}
                  datasets:
                    - folder_path: data
                      caption_ext: txt
                      resolution: [512]
                  train: {batch_size: 1, steps: 100, optimizer: adamw8bit, lr: 1e-4}
                  model: {name_or_path: black-forest-labs/FLUX.1-dev, arch: flux, quantize: true}
            """;

    private void dataset() throws Exception {
        BufferedImage img = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        Files.createDirectories(home.resolve("data"));
        for (int i = 0; i < 3; i++) {
            Files.write(home.resolve("data/" + i + ".png"), out.toByteArray());
            Files.writeString(home.resolve("data/" + i + ".txt"), "caption " + i);
        }
    }

    @Test
    void cleanConfigExitsZeroAndSummarizes() throws Exception {
        dataset();
        Files.writeString(home.resolve("c.yaml"), CONFIG);
        CliRun.Result r = CliRun.in(home).run("validate", "c.yaml", "--gpu-memory", "80GB");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("c.yaml: 0 errors, 0 warnings").contains("3 images, 3 with captions")
                .contains("note: relative dataset paths are resolved against " + home);
    }

    @Test
    void errorsExitThreeWithPathLineAndFixAndJsonHasTheSameData() throws Exception {
        dataset();
        Files.writeString(home.resolve("c.yaml"), CONFIG.replace("optimizer: adamw8bit", "optimizer: adamw8bt"));
        CliRun.Result r = CliRun.in(home).run("validate", "c.yaml");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).contains("config.process[0].train.optimizer  (c.yaml:12:53)").contains("fix: ");
        CliRun.Result j = CliRun.in(home).run("validate", "c.yaml", "--json");
        assertThat(j.exitCode()).isEqualTo(3);
        JsonNode json = Json.mapper().readTree(j.out());
        JsonNode f = json.get("findings").get(0);
        assertThat(f.get("severity").asText()).isEqualTo("ERROR");
        assertThat(f.get("path").asText()).isEqualTo("config.process[0].train.optimizer");
        assertThat(f.get("line").asInt()).isEqualTo(12);
        assertThat(f.get("column").asInt()).isEqualTo(53);
        assertThat(json.get("summary").get("datasets").get(0).get("images").asInt()).isEqualTo(3);
    }

    @Test
    void hostileFileEndsInOneSentenceWithoutAStackTrace() throws Exception {
        Files.write(home.resolve("bin.yaml"), new byte[] {0, 1, 2, 3, (byte) 0xFF});
        CliRun.Result r = CliRun.in(home).run("validate", "bin.yaml");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).contains("binary data").doesNotContain("Exception");
        assertThat(r.err()).as("the one error sentence, nothing more")
                .isEqualTo("error: bin.yaml has 1 error (listed above); fix each where its line says, then validate again\n");
    }

    @Test
    void missingArgumentIsAUsageError() {
        assertThat(CliRun.in(home).run("validate").exitCode()).isEqualTo(2);
    }
}
