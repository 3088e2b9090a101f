package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What validate knows of ai-toolkit as of 2026 (issue 12): FLUX.2 archs with their reference images
 * (control_path_1..3, ctrl_img_1..3), per-dataset batch_size, the newer qtypes and the keys only some model
 * loaders read (layer offloading, model_kwargs.match_target_res).
 */
class Flux2ConfigTest {
    @TempDir
    java.nio.file.Path tmp;
    ValidatorFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ValidatorFixture(tmp);
        fx.kontextDataset(3);
    }

    private ValidationReport klein(String... fromTo) {
        if (fromTo.length == 0) {
            return fx.validate(fx.config("flux2-klein.yaml"));
        }
        String[] more = java.util.Arrays.copyOfRange(fromTo, 2, fromTo.length);
        return fx.validate(fx.config("flux2-klein.yaml", fromTo[0], fromTo[1], more));
    }

    private static List<Finding> at(ValidationReport r, String pathEnd) {
        return r.findings().stream().filter(f -> f.path().endsWith(pathEnd)).toList();
    }

    @Test
    void aKleinEditConfigOnItsDatasetIsClean() {
        ValidationReport r = klein();
        assertThat(r.findings()).isEmpty();
        assertThat(r.summary().datasets()).singleElement().satisfies(d -> {
            assertThat(d.images()).isEqualTo(3);
            assertThat(d.withControl()).as("control_path_1 is a control folder").isEqualTo(3);
        });
    }

    @Test
    void aMissingReferenceImageInControlPath1IsNamed() throws Exception {
        java.nio.file.Files.delete(fx.data.resolve("control/0001.jpg"));
        Finding f = at(klein(), "control_path_1").get(0);
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).startsWith("1 images have no control image").contains("0001.jpg");
    }

    @Test
    void theNewQtypesAreKnownAndAnAdapterBelongsOnQtypeOnly() {
        for (String q : List.of("uint3", "\"uint3|ostris/accuracy_recovery_adapters/x.safetensors\"", "convrot8", "convrotint4", "nvfp4", "float8")) {
            assertThat(klein("qtype: uint4", "qtype: " + q).findings()).as(q).isEmpty();
        }
        Finding unknown = at(klein("qtype: uint4", "qtype: uint9"), "qtype").get(0);
        assertThat(unknown.message()).contains("'uint9' is not a quantization type").contains("did you mean");
        Finding adapter = at(klein("qtype_te: qfloat8", "qtype_te: \"uint3|org/repo/a.safetensors\""), "qtype_te").get(0);
        assertThat(adapter.isError()).isTrue();
        assertThat(adapter.message()).contains("reads adapters only from qtype");
    }

    @Test
    void layerOffloadingTurnsQfloat8IntoFloat8AndFlux1IgnoresIt() {
        ValidationReport r = klein("qtype: uint4", "qtype: qfloat8", "layer_offloading: false", "layer_offloading: true");
        assertThat(at(r, "model.qtype")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("replaces qtype qfloat8 (optimum-quanto) with float8");
        });
        assertThat(at(r, "model.qtype_te")).singleElement().satisfies(f -> assertThat(f.message()).contains("qtype_te qfloat8"));
        ValidationReport flux1 = fx.validate(fx.config("flux-kontext.yaml", "quantize: true", "quantize: true\n        layer_offloading: true"));
        assertThat(at(flux1, "layer_offloading")).singleElement().satisfies(f ->
                assertThat(f.message()).contains("not by FLUX.1's").contains("nothing is offloaded"));
        assertThat(at(klein("layer_offloading: false", "layer_offloading: false\n        layer_offloading_transformer_percent: 1.5"),
                "layer_offloading_transformer_percent")).singleElement().satisfies(f -> assertThat(f.message()).contains("1.5"));
    }

    @Test
    void aDatasetBatchSizeNeedsBucketsAndSizesTheFit() {
        Finding f = at(klein("batch_size: 2\n", "batch_size: 2\n          buckets: false\n"), "datasets[0].batch_size").get(0);
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("Dataset level batch_size requires buckets to be enabled.");
        ConfigNode process = new ConfigTree(new dev.aitk.launcher.config.ConfigReader(fx.environment())
                .read(fx.config("flux-kontext.yaml", "resolution: [512, 768]", "resolution: [512, 768]\n          batch_size: 4")))
                .root().get("config").orElseThrow().get("process").orElseThrow().items().get(0);
        assertThat(SettingsFromConfig.of(process).batchSize()).as("the largest batch any dataset runs").isEqualTo(4);
    }

    @Test
    void uiSectionNamesAndKeysNoLoaderReadsAreExplained() {
        ValidationReport r = klein("control_path_1:", "multi_control_paths: [x]\n          control_path_1:",
                "        seed: 42", "        multi_ctrl_imgs: [x]\n        seed: 42",
                "        layer_offloading: false", "        layer_offloading: false\n        quantize_device: cpu");
        assertThat(at(r, "multi_control_paths")).singleElement().satisfies(f -> assertThat(f.message()).contains("section in ai-toolkit's UI"));
        assertThat(at(r, "multi_ctrl_imgs")).singleElement().satisfies(f -> assertThat(f.fix()).contains("ctrl_img_1"));
        assertThat(at(r, "quantize_device")).singleElement().satisfies(f -> assertThat(f.message()).contains("not a ModelConfig key"));
        ValidationReport flux1 = fx.validate(fx.config("flux-kontext.yaml", "quantize: true", "quantize: true\n        model_kwargs: {match_target_res: true}"));
        assertThat(at(flux1, "match_target_res")).singleElement().satisfies(f -> assertThat(f.message()).contains("changes nothing"));
    }

    @Test
    void flux2DevQuantizesItsTextEncoderWithQtype() {
        ValidationReport r = klein("arch: flux2_klein_4b", "arch: flux2", "FLUX.2-klein-base-4B", "FLUX.2-dev");
        assertThat(at(r, "qtype_te")).singleElement().satisfies(f ->
                assertThat(f.message()).contains("quantizes its Mistral text encoder with qtype ('uint4')"));
    }
}
