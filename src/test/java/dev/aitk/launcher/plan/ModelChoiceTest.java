package dev.aitk.launcher.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The template decides the model; then --model; then the dataset's layout. */
class ModelChoiceTest {
    @TempDir
    Path tmp;

    static Object template(String arch, String nameOrPath, int steps, int batch) {
        return Map.of("config", Map.of("process", List.of(Map.of(
                "model", arch == null ? Map.of("name_or_path", nameOrPath) : Map.of("arch", arch, "name_or_path", nameOrPath),
                "train", Map.of("steps", steps, "batch_size", batch)))));
    }

    @Test
    void theTemplatesArchDecidesAndAConflictingModelFlagIsAUsageError() {
        TemplateModel flex = TemplateModel.of(template("flex2", "ostris/Flex.2-preview", 3000, 2), "mine.yaml");
        assertThat(ModelChoice.decide(null, flex, null).variant()).isEqualTo(ModelVariant.FLEX2);
        assertThat(ModelChoice.decide(ModelVariant.FLEX2, flex, null).variant()).isEqualTo(ModelVariant.FLEX2);
        assertThatThrownBy(() -> ModelChoice.decide(ModelVariant.DEV, flex, null))
                .isInstanceOfSatisfying(LauncherException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("--model dev conflicts with --template mine.yaml, which trains flex2 (arch: flex2)");
        assertThat(flex.baseline().samples()).isEqualTo(6000);
        Object perDataset = Map.of("config", Map.of("process", List.of(Map.of("model", Map.of("arch", "flux2_klein_4b"),
                "train", Map.of("steps", 1000, "batch_size", 1), "datasets", List.of(Map.of("batch_size", 4))))));
        TemplateModel klein = TemplateModel.of(perDataset, "klein.yaml");
        assertThat(klein.datasetBatchSize()).isEqualTo(4);
        assertThat(klein.baseline().samples()).as("the dataset's batch is what a step sees").isEqualTo(4000);
        assertThat(TemplateModel.of(template(null, "black-forest-labs/FLUX.1-Kontext-dev", 100, 1), "t").variant())
                .isEqualTo(ModelVariant.KONTEXT);
    }

    @Test
    void withoutTemplateOrFlagTheDatasetLayoutDecidesAndSaysWhy() throws Exception {
        Path kontext = dataset("k", "control", BufferedImage.TYPE_INT_RGB);
        Path flex = dataset("f", "inpaint", BufferedImage.TYPE_INT_ARGB);
        Path rgbInpaint = dataset("r", "inpaint", BufferedImage.TYPE_INT_RGB);
        Path masks = dataset("m", "masks", BufferedImage.TYPE_BYTE_GRAY);
        assertThat(ModelChoice.decide(null, null, DatasetLayout.of(kontext)).variant()).isEqualTo(ModelVariant.KONTEXT);
        ModelChoice f = ModelChoice.decide(null, null, DatasetLayout.of(flex));
        assertThat(f.variant()).isEqualTo(ModelVariant.FLEX2);
        assertThat(f.reason()).contains("alpha channel");
        assertThat(DatasetLayout.of(rgbInpaint).variant()).as("inpaint images without alpha are not Flex.2's").isNull();
        assertThat(ModelChoice.decide(null, null, DatasetLayout.of(masks)).variant()).isEqualTo(ModelVariant.DEV);
        assertThat(ModelChoice.decide(ModelVariant.FLEX2, null, DatasetLayout.of(kontext)).variant())
                .as("--model wins over the layout").isEqualTo(ModelVariant.FLEX2);
        assertThat(ModelChoice.decide(null, null, null).reason()).contains("--model kontext or flex2");
    }

    private Path dataset(String name, String partner, int type) throws Exception {
        Path images = Files.createDirectories(tmp.resolve(name).resolve("images"));
        Path other = Files.createDirectories(tmp.resolve(name).resolve(partner));
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
        ImageIO.write(new BufferedImage(32, 32, type), "png", other.resolve("a.png").toFile());
        return images;
    }
}
