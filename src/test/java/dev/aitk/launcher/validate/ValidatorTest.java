package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.images.TestImages;
import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {
    @TempDir
    Path tmp;
    ValidatorFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ValidatorFixture(tmp);
    }

    private static Finding only(ValidationReport r, String pathPart) {
        List<Finding> hits = r.findings().stream().filter(f -> f.path().contains(pathPart)).toList();
        assertThat(hits).as("findings at %s in %s", pathPart, r.findings()).hasSize(1);
        return hits.get(0);
    }

    @Test
    void realisticFluxDevMaskConfigOnItsDatasetIsClean() {
        fx.maskDataset(12);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"), ValidateOptions.defaults().withGpus(ByteSize.parse("80GB"), 1));
        assertThat(r.findings()).isEmpty();
        assertThat(r.hasErrors()).isFalse();
        ValidationReport.DatasetSummary d = r.summary().datasets().get(0);
        assertThat(d.images()).isEqualTo(12);
        assertThat(d.withCaption()).isEqualTo(12);
        assertThat(d.withMask()).isEqualTo(12);
        assertThat(d.resolutionsPx()).containsExactly(512, 768, 1024);
        assertThat(r.summary().fit().checked()).isTrue();
        assertThat(r.summary().fit().predictedPeakGib()).isLessThan(r.summary().fit().usableGib());
    }

    @Test
    void kontextAndFlex2ConfigsOnTheirDatasetsAreClean() {
        fx.kontextDataset(5);
        assertThat(fx.validate(fx.config("flux-kontext.yaml")).findings()).isEmpty();
    }

    @Test
    void jsonConfigsAreReadLikeYaml() {
        fx.flex2Dataset(5);
        ValidationReport r = fx.validate(fx.config("flex2-inpaint.json"));
        assertThat(r.findings()).isEmpty();
        assertThat(r.summary().datasets().get(0).withInpaint()).isEqualTo(5);
    }

    @Test
    void unsetVariableIsAnErrorAtItsPlaceholder() {
        fx.maskDataset(2);
        fx.env.remove("OUTPUT_DIR");
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        Finding f = only(r, "training_folder");
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.path()).isEqualTo("config.process[0].training_folder");
        assertThat(f.line()).isEqualTo(7);
        assertThat(f.column()).isEqualTo(24);
        assertThat(f.message()).contains("OUTPUT_DIR is not set");
    }

    @Test
    void positionsAfterASubstitutionOnTheSameLinePointIntoTheUsersFile() {
        fx.env.put("STEPS", "200000000");
        Path config = fx.write("c.yaml", """
                job: extension
                config:
                  name: x
                  process:
                    - type: sd_trainer
                      training_folder: out
                      model: {name_or_path: black-forest-labs/FLUX.1-dev, arch: flux}
                      train: {steps: ${STEPS}, batch_size: "two"}
                """);
        ValidationReport r = fx.validator().validate(config, ValidateOptions.defaults().withoutDatasets());
        Finding f = only(r, "batch_size");
        assertThat(f.line()).isEqualTo(8);
        // "      train: {steps: ${STEPS}, batch_size: "two"}" -> the value "two" starts at column 44 of the file
        // (column 55 of the substituted text).
        assertThat(f.column()).isEqualTo(44);
        assertThat(f.message()).contains("must be a whole number").contains("a string (\"two\")");
    }

    @Test
    void eachBrokenRuleIsReportedWithPathLineAndFix() {
        fx.maskDataset(2);
        Path config = fx.config("flux-dev-mask.yaml", "        save_every: 250\n",
                "        save_every: 250\n        save_format: ckpt\n");
        ValidationReport r = fx.validate(config);
        Finding f = only(r, "save_format");
        assertThat(f.path()).isEqualTo("config.process[0].save.save_format");
        assertThat(f.line()).isEqualTo(17);
        assertThat(f.message()).contains("save_format must be safetensors or diffusers");
        assertThat(f.fix()).isNotBlank();
    }

    @Test
    void optimizerTypoIsAnErrorWithASuggestion() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "optimizer: adamw8bit", "optimizer: adamw8bt"));
        Finding f = only(r, "optimizer");
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("did you mean 'adamw8bit'");
    }

    @Test
    void misspelledKeyIsAWarningThatSuggestsTheRealOne() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "gradient_accumulation_steps: 1", "gradient_acumulation_steps: 1"));
        Finding f = only(r, "gradient_acumulation_steps");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("did you mean 'gradient_accumulation_steps'");
        assertThat(r.hasErrors()).isFalse();
    }

    @Test
    void gradientAccumulationBothWaysIsMutuallyExclusive() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "gradient_accumulation_steps: 1",
                "gradient_accumulation_steps: 2\n        gradient_accumulation: 4"));
        Finding f = only(r, "train.gradient_accumulation");
        assertThat(f.message()).contains("mutually exclusive");
    }

    @Test
    void missingRequiredKeysAreErrors() {
        Path config = fx.write("c.yaml", """
                config:
                  process:
                    - training_folder: out
                    - type: sd_trainer
                      training_folder: out
                      model: {quantize: true}
                """);
        ValidationReport r = fx.validator().validate(config, ValidateOptions.defaults().withoutDatasets());
        assertThat(r.findings()).filteredOn(Finding::isError).extracting(Finding::path)
                .contains("job", "config.name", "config.process[0].type", "config.process[1].model.name_or_path", "config.process[1].datasets");
    }

    @Test
    void cacheTextEmbeddingsOnOnlySomeDatasetsIsAnError() {
        fx.maskDataset(2);
        Path config = fx.config("flux-dev-mask.yaml", "          resolution: [512, 768, 1024]\n",
                "          resolution: [512, 768, 1024]\n          cache_text_embeddings: true\n"
                        + "        - folder_path: ${DATASET_DIR}/images\n          caption_ext: txt\n");
        ValidationReport r = fx.validate(config);
        Finding f = only(r, "datasets[1].cache_text_embeddings");
        assertThat(f.message()).contains("all of them or none");
    }

    @Test
    void augmentationsWithLatentCachingAreAWarning() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "shuffle_tokens: false", "shuffle_tokens: false\n          augments: [ColorJitter]"));
        Finding f = only(r, "cache_latents_to_disk");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("turns latent caching off");
    }

    @Test
    void unknownQtypeAndArchConflictsAreErrors() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "quantize: true", "quantize: true\n        qtype: qfloat9\n        arch: sdxl"));
        assertThat(only(r, "qtype").message()).contains("did you mean 'qfloat8'");
        assertThat(only(r, "is_flux").message()).contains("is_flux is true but arch is 'sdxl'");
    }

    @Test
    void fluxModelWithoutArchOrIsFluxWouldLoadAsSd1() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "        is_flux: true\n", ""));
        Finding f = only(r, "name_or_path");
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("'sd1'").contains("neither arch nor is_flux");
        assertThat(f.fix()).contains("arch: flux");
    }

    @Test
    void kontextWithoutControlPathIsAnError() {
        fx.kontextDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-kontext.yaml", "          control_path: ${DATASET_DIR}/control\n", ""));
        Finding f = only(r, "control_path");
        assertThat(f.isError()).isTrue();
        assertThat(f.path()).isEqualTo("config.process[0].datasets[0].control_path");
    }

    @Test
    void inpaintPathOutsideFlex2IsIgnoredByAiToolkit() {
        fx.maskDataset(2);
        TestDatasets.partners(fx.data.resolve("inpaint"), 2, TestImages.png(768, 1024, true), ".png");
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "          caption_ext: txt", "          caption_ext: txt\n          inpaint_path: ${DATASET_DIR}/inpaint"));
        Finding f = only(r, "inpaint_path");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("only by the flex2 model");
    }

    @Test
    void pythonObjectTagIsRefusedLikeTheSafeLoaderDoes() {
        Path config = fx.write("c.yaml", """
                job: extension
                config:
                  name: !!python/object/apply:os.system ["echo pwned"]
                  process: []
                """);
        ValidationReport r = fx.validate(config);
        assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).contains("python/object/apply:os.system").contains("safe YAML loader"));
    }

    @Test
    void fitFailureSaysWhatToChange() {
        fx.maskDataset(2);
        Path config = fx.config("flux-dev-mask.yaml", "quantize: true", "quantize: false");
        ValidationReport r = fx.validate(config, ValidateOptions.defaults().withGpus(ByteSize.parse("40GB"), 1));
        Finding f = only(r, "config.process[0].model");
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("GiB of GPU memory").contains("40.0 GiB card");
        assertThat(f.fix()).contains("set model.quantize: true (predicted");
        assertThat(r.summary().fit().fitsWith()).isNotEmpty();
    }

    @Test
    void withoutAGpuTheFitIsSkippedWithANoteNotAnError() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.summary().fit().checked()).isFalse();
        assertThat(r.summary().fit().note()).contains("no GPU detected").contains("--gpu-memory");
    }

    @Test
    void deviceBeyondTheAvailableGpusIsAnError() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "device: cuda:0", "device: cuda:3"),
                ValidateOptions.defaults().withGpus(ByteSize.parse("80GB"), 2));
        assertThat(only(r, "device").message()).contains("cuda:3").contains("2 GPUs");
    }

    @Test
    void latentCacheAndCheckpointsAreSizedFromTheModel() {
        fx.maskDataset(10);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        ValidationReport.DatasetSummary d = r.summary().datasets().get(0);
        long perImage = 0;
        for (int res : List.of(512, 768, 1024)) {
            perImage += 16L * (res / 8) * (res / 8) * 2 + 512;
        }
        assertThat(d.latentCacheBytes()).isEqualTo(10 * perImage);
        ValidationReport.DiskNeed outputs = r.summary().disk().stream().filter(n -> n.what().startsWith("outputs")).findFirst().orElseThrow();
        // Rank 16 FLUX LoRA in fp16 is 164 MiB; 4 kept + the final one.
        long lora = dev.aitk.launcher.plan.TransformerShape.FLUX_DEV.loraParams(16) * 2;
        assertThat(lora / (1024 * 1024)).isEqualTo(163);
        assertThat(outputs.neededBytes()).isGreaterThan(5 * lora);
        assertThat(outputs.detail()).contains("5 LoRA files");
    }

    @Test
    void jsonIndentedWithTabsIsReadAndPositionsStay() throws Exception {
        fx.flex2Dataset(2);
        Path json = fx.config("flex2-inpaint.json");
        String tabbed = java.nio.file.Files.readString(json).replace("  ", "\t").replace("\"lr\": 0.0001", "\"lr\": \"fast\"");
        java.nio.file.Files.writeString(json, tabbed);
        ValidationReport r = fx.validate(json);
        Finding f = only(r, "train.lr");
        assertThat(f.message()).contains("must be a number");
        assertThat(f.line()).isEqualTo(23);
    }

    @Test
    void nameTagInPathsIsReplacedLikePreprocessConfig() {
        fx.maskDataset(2);
        Path config = fx.config("flux-dev-mask.yaml", "${DATASET_DIR}/images", "${DATASET_DIR}/[name]");
        try {
            java.nio.file.Files.move(fx.data.resolve("images"), fx.data.resolve("my_flux_mask_v1"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ValidationReport r = fx.validate(config);
        assertThat(r.findings()).isEmpty();
        assertThat(r.summary().datasets().get(0).folder()).endsWith("data/my_flux_mask_v1");
    }

    @Test
    void unsetDatasetVariableIsOneErrorPerPlaceholderWithoutFolderNoise() {
        fx.maskDataset(2);
        fx.env.remove("DATASET_DIR");
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(r.findings()).extracting(Finding::path, Finding::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("config.process[0].datasets[0].folder_path", 20),
                        org.assertj.core.groups.Tuple.tuple("config.process[0].datasets[0].mask_path", 21));
        assertThat(r.findings()).allSatisfy(f -> assertThat(f.message()).contains("DATASET_DIR is not set"));
    }

    @Test
    void missingSampleControlImageIsAnError() {
        fx.kontextDataset(1);
        ValidationReport r = fx.validate(fx.config("flux-kontext.yaml", "control/0000.jpg --seed", "control/nope.jpg --seed"));
        Finding f = only(r, "sample.prompts[0]");
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("control/nope.jpg does not exist");
    }

    @Test
    void aKontextPromptWithoutCtrlImgIsAnErrorAtItsLine() {
        fx.kontextDataset(1);
        ValidationReport r = fx.validate(fx.config("flux-kontext.yaml", "--ctrl_img ${DATASET_DIR}/control/0000.jpg ", ""));
        Finding f = only(r, "sample.prompts[0]");
        assertThat(f.isError()).isTrue();
        assertThat(f.line()).isEqualTo(36);
        assertThat(f.message()).contains("no --ctrl_img").contains("Control image is required for Flux Kontext model generation.");
        assertThat(f.fix()).contains("--ctrl_img PATH");
    }

    @Test
    void aKontextSamplesEntryNeedsCtrlImgNotCtrlImg1AndSamplingOffNeedsNone() {
        fx.kontextDataset(1);
        String entry = "samples:\n          - prompt: fill it\n            ctrl_img_1: ${DATASET_DIR}/control/0000.jpg\n";
        ValidationReport r = fx.validate(fx.config("flux-kontext.yaml",
                "prompts:\n          - \"fill the masked area --ctrl_img ${DATASET_DIR}/control/0000.jpg --seed 7\"\n", entry));
        Finding f = only(r, "sample.samples[0]");
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("this sample has no ctrl_img");
        assertThat(fx.validate(fx.config("flux-kontext.yaml",
                "prompts:\n          - \"fill the masked area --ctrl_img ${DATASET_DIR}/control/0000.jpg --seed 7\"\n",
                entry.replace("ctrl_img_1", "ctrl_img"))).findings()).isEmpty();
        assertThat(fx.validate(fx.config("flux-kontext.yaml", "--ctrl_img ${DATASET_DIR}/control/0000.jpg ", "",
                "        timestep_type: weighted\n", "        timestep_type: weighted\n        disable_sampling: true\n")).findings()).isEmpty();
    }

    @Test
    void keysFromOtherTrainersPointAtAiToolkitsName() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "        lr: 1e-4", "        learning_rate: 1e-4"));
        assertThat(only(r, "learning_rate").message()).contains("did you mean 'lr'");
    }

    @Test
    void triggerPlaceholderWithoutTriggerWordIsAWarning() {
        fx.maskDataset(2);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "      trigger_word: p3r5on\n", ""));
        Finding f = only(r, "sample.prompts[0]");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("trigger_word is not set");
    }

    @Test
    void windowsLineEndingsAndAByteOrderMarkKeepPositions() throws Exception {
        fx.maskDataset(2);
        Path config = fx.config("flux-dev-mask.yaml", "optimizer: adamw8bit", "optimizer: adamw8bt");
        String text = java.nio.file.Files.readString(config);
        java.nio.file.Files.writeString(config, "\uFEFF" + text.replace("\n", "\r\n"));
        Finding f = only(fx.validate(config), "optimizer");
        assertThat(f.line()).isEqualTo(35);
        assertThat(f.column()).isEqualTo(20);
    }

    @Test
    void withTheToolkitFolderAConfigNameIsFoundInItsConfigFolderLikeRunPy() throws Exception {
        fx.maskDataset(2);
        Path toolkit = tmp.resolve("ai-toolkit");
        java.nio.file.Files.createDirectories(toolkit.resolve("config"));
        java.nio.file.Files.move(fx.config("flux-dev-mask.yaml"), toolkit.resolve("config/my_run.yaml"));
        ValidationReport r = fx.validator().validate(Path.of("my_run"), ValidateOptions.defaults().withToolkitRoot(toolkit));
        assertThat(r.findings()).isEmpty();
        assertThat(r.summary().datasets()).hasSize(1);
        assertThat(r.config()).isEqualTo(toolkit.resolve("config/my_run.yaml").toString());
    }
}
