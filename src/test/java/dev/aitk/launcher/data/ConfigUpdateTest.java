package dev.aitk.launcher.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class ConfigUpdateTest {
    @TempDir
    Path tmp;

    InpaintingDataset data;
    Path out;
    Path config;

    static final String CONFIG = """
            # my inpainting LoRA
            job: extension
            config:
              name: shoes_v1   # the run's name
              process:
                - type: sd_trainer
                  training_folder: output
                  # datasets: filled in by migrate-data
                  datasets:
                    - folder_path: /placeholder/images   # set me
                      caption_ext: txt
                      resolution: [512, 768]
                  train:
                    lr: 1e-4
                  model:
                    name_or_path: black-forest-labs/FLUX.1-Kontext-dev
                    arch: flux_kontext
            meta:
              name: "[name]"
            """;

    @BeforeEach
    void setUp() throws Exception {
        data = InpaintingDataset.in(tmp.resolve("src")).pair("a", "png", 16, 16).pair("b", "jpg", 16, 16);
        out = tmp.resolve("out");
        config = Files.writeString(tmp.resolve("lora.yaml"), CONFIG);
    }

    CliRun.Result migrate(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--captions", data.captions.toString(), "--output", out.toString(),
                "--layout", "kontext", "--config", config.toString()));
        args.addAll(List.of(extra));
        return CliRun.in(tmp).run(args.toArray(String[]::new));
    }

    @Test
    @SuppressWarnings("unchecked")
    void setsTheDatasetEntryAndTriggerKeepsCommentsAndABackup() throws Exception {
        CliRun.Result r = migrate("--trigger", "sh0e");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String updated = Files.readString(config);
        assertThat(updated).contains("# my inpainting LoRA", "# the run's name", "# datasets: filled in by migrate-data");
        assertThat(Files.readString(tmp.resolve("lora.yaml.bak"))).isEqualTo(CONFIG);
        Map<String, Object> doc = new Yaml().load(updated);
        Map<String, Object> process = ((List<Map<String, Object>>) ((Map<String, Object>) doc.get("config")).get("process")).get(0);
        assertThat(process.get("trigger_word")).isEqualTo("sh0e");
        Map<String, Object> dataset = ((List<Map<String, Object>>) process.get("datasets")).get(0);
        assertThat(dataset).containsEntry("folder_path", out.resolve("images").toString())
                .containsEntry("control_path", out.resolve("control").toString())
                .containsEntry("caption_ext", "txt")
                .containsEntry("resolution", List.of(512, 768));
        assertThat(((Map<String, Object>) process.get("train")).get("lr")).isEqualTo(1e-4);
        assertThat(r.out()).contains("Updated " + config).contains("lora.yaml.bak");
        assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void anIndexOnePastTheEndAppendsAnEntry() throws Exception {
        CliRun.Result r = migrate("--dataset-index", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Object> doc = new Yaml().load(Files.readString(config));
        List<Map<String, Object>> datasets = (List<Map<String, Object>>) ((List<Map<String, Object>>)
                ((Map<String, Object>) doc.get("config")).get("process")).get(0).get("datasets");
        assertThat(datasets).hasSize(2);
        assertThat(datasets.get(0)).containsEntry("folder_path", "/placeholder/images");
        assertThat(datasets.get(1)).containsEntry("folder_path", out.resolve("images").toString());
    }

    @Test
    void aBrokenConfigFailsWithItsLineBeforeAnythingIsMigrated() throws Exception {
        Files.writeString(config, "job: extension\nconfig:\n  name: x\n  process: [\n");

        CliRun.Result r = migrate();

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: --config " + config + ":5:").contains("is not valid YAML");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutOfRangeIndexIsAUsageError() {
        CliRun.Result r = migrate("--dataset-index", "5");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--dataset-index 5 is out of range").contains("has 1 dataset entries");
        assertThat(out).doesNotExist();
    }
}
