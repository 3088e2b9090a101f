package dev.aitk.launcher.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's done-when: migrate a generated three-folder dataset (with unmatched and mismatched files) into each
 * layout, write the dataset into the matching shipped template with --config, and `validate` finds no error.
 */
class MigratedDatasetValidatesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"kontext, flux-kontext-inpaint.yaml, withControl", "flex2, flex2-inpaint.yaml, withInpaint",
        "kontext, flux2-klein-4b-inpaint.yaml, withControl", "kontext, flux2-dev-inpaint.yaml, withControl",
        "mask, flux-dev-inpaint.yaml, withMask"})
    void validateIsCleanOnTheMigratedDatasetWithTheMatchingTemplate(String layout, String template, String partners)
            throws Exception {
        InpaintingDataset data = InpaintingDataset.in(tmp.resolve("src"))
                .pair("a", "jpg", 512, 512).pair("b", "png", 768, 512).pair("c", "png", 512, 640);
        InpaintingDataset.write(InpaintingDataset.mask(64, 64), "png", data.masks.resolve("orphan.png"));
        InpaintingDataset.write(InpaintingDataset.target(512, 512, 5), "png", data.targets.resolve("odd.png"));
        InpaintingDataset.write(InpaintingDataset.target(512, 512, 5), "png", data.masked.resolve("odd.png"));
        InpaintingDataset.write(InpaintingDataset.mask(256, 256), "png", data.masks.resolve("odd.png"));
        Path config = tmp.resolve(template);
        try (var in = getClass().getResourceAsStream("/config-templates/" + template)) {
            Files.copy(java.util.Objects.requireNonNull(in, template + " is not on the class path"), config);
        }
        Path out = tmp.resolve("dataset");

        CliRun.Result migrated = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--masks", data.masks.toString(), "--captions", data.captions.toString(),
                "--output", out.toString(), "--layout", layout, "--trigger", "sh0e", "--config", config.toString(), "--json");
        assertThat(migrated.exitCode()).as(migrated.err()).isZero();
        assertThat(Json.mapper().readTree(migrated.out()).get("report").get("leftOut")).hasSize(2);

        CliRun.Result validated = CliRun.in(tmp).run("validate", config.toString(), "--gpu-memory", "80GB", "--gpus", "1", "--json");

        assertThat(validated.exitCode()).as(validated.out() + validated.err()).isZero();
        JsonNode report = Json.mapper().readTree(validated.out());
        report.get("findings").forEach(f -> assertThat(f.get("severity").asText()).as(f.toString()).isNotEqualToIgnoringCase("error"));
        // validate found every migrated image, its caption and its partner the way ai-toolkit looks them up.
        JsonNode dataset = report.get("summary").get("datasets").get(0);
        assertThat(dataset.get("folder").asText()).isEqualTo(out.resolve("images").toString());
        assertThat(dataset.get("images").asInt()).isEqualTo(3);
        assertThat(dataset.get("withCaption").asInt()).isEqualTo(3);
        assertThat(dataset.get(partners).asInt()).isEqualTo(3);
        assertThat(dataset.get("unreadable").asInt()).isZero();
    }
}
