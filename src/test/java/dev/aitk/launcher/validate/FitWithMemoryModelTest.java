package dev.aitk.launcher.validate;

import dev.aitk.launcher.config.ConfigReader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.Prediction;
import dev.aitk.launcher.plan.TrainingSettings;
import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fit check with the planner's fitted memory model (plan stage), not a stand-in. */
class FitWithMemoryModelTest {
    @TempDir
    Path tmp;
    ValidatorFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ValidatorFixture(tmp);
        fx.predictor = (s, b, n) -> MemoryModel.standard().predict(s, b, n);
        fx.maskDataset(2);
    }

    private ValidationReport on(String card, Path config) {
        return fx.validate(config, ValidateOptions.defaults().withGpus(ByteSize.parse(card), 1));
    }

    @Test
    void theSettingsReadFromTheConfigAreWhatThePlannerSizes() {
        ConfigTree tree = new ConfigTree(new ConfigReader(fx.environment()).read(fx.config("flux-dev-mask.yaml")));
        ConfigNode process = tree.root().get("config").orElseThrow().get("process").orElseThrow().items().get(0);
        TrainingSettings s = SettingsFromConfig.of(process);
        assertThat(s.model()).isEqualTo(dev.aitk.launcher.plan.ModelVariant.DEV);
        assertThat(s.batchSize()).isEqualTo(1);
        assertThat(s.resolutionsPx()).containsExactly(512, 768, 1024);
        assertThat(s.rank()).isEqualTo(16);
        assertThat(s.optimizer()).isEqualTo("adamw8bit");
        assertThat(s.quantize()).isTrue();
        assertThat(s.qtype()).isEqualTo("qfloat8");
        assertThat(s.quantizeTextEncoder()).as("quantize_te defaults to quantize (ModelConfig)").isTrue();
        assertThat(s.gradientCheckpointing()).isTrue();
        assertThat(s.cacheLatentsToDisk()).isTrue();
        assertThat(s.cacheTextEmbeddings()).isFalse();
    }

    @Test
    void flux2LayerOffloadingIsReadBackWithAiToolkitsDefaultShare() {
        TrainingSettings off = settings(fx.config("flux2-klein.yaml"));
        assertThat(off.layerOffloadingPercent()).isZero();
        TrainingSettings all = settings(fx.config("flux2-klein.yaml", "layer_offloading: false", "layer_offloading: true"));
        assertThat(all.layerOffloadingPercent()).as("ModelConfig defaults the share to 1.0").isEqualTo(1.0);
        TrainingSettings half = settings(fx.config("flux2-klein.yaml", "layer_offloading: false",
                "layer_offloading: true\n        layer_offloading_transformer_percent: 0.5"));
        assertThat(half.layerOffloadingPercent()).isEqualTo(0.5);
        MemoryBudget budget = MemoryBudget.forCard(16);
        assertThat(MemoryModel.standard().predict(half, budget, 1).phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib())
                .isLessThan(MemoryModel.standard().predict(off, budget, 1).phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib());
    }

    private TrainingSettings settings(Path config) {
        ConfigTree tree = new ConfigTree(new ConfigReader(fx.environment()).read(config));
        return SettingsFromConfig.of(tree.root().get("config").orElseThrow().get("process").orElseThrow().items().get(0));
    }

    @Test
    void quantizedBatchOneFitsAnH100() {
        ValidationReport r = on("80GB", fx.config("flux-dev-mask.yaml"));
        assertThat(r.hasErrors()).isFalse();
        ValidationReport.Fit fit = r.summary().fit();
        assertThat(fit.checked()).isTrue();
        Prediction expected = MemoryModel.standard().predict(SettingsOf.fluxDevMask(), MemoryBudget.forCard(80), 1);
        assertThat(fit.predictedPeakGib()).isEqualTo(expected.memory().processPeakGib());
        assertThat(fit.usableGib()).isEqualTo(MemoryBudget.forCard(80).usableGib());
    }

    @Test
    void unquantizedOnA32GbCardIsAnErrorThatSuggestsQuantizing() {
        ValidationReport r = on("32GB", fx.config("flux-dev-mask.yaml", "quantize: true", "quantize: false"));
        Finding f = r.findings().stream().filter(Finding::isError).findFirst().orElseThrow();
        assertThat(f.path()).isEqualTo("config.process[0].model");
        assertThat(f.message()).contains("32.0 GiB card");
        assertThat(f.fix()).contains("set model.quantize: true (predicted");
    }

    @Test
    void aCardTooSmallForAnySingleChangeSaysWhichCardWouldDo() {
        ValidationReport r = on("12GB", fx.config("flux-dev-mask.yaml"));
        Finding f = r.findings().stream().filter(Finding::isError).findFirst().orElseThrow();
        assertThat(f.fix()).contains("use a card with at least").contains("aitk-launcher plan");
    }

    /** The flux-dev-mask.yaml settings, written out by hand. */
    static final class SettingsOf {
        static TrainingSettings fluxDevMask() {
            return new TrainingSettings(dev.aitk.launcher.plan.ModelVariant.DEV, dev.aitk.launcher.plan.TransformerShape.FLUX_DEV, 1,
                    java.util.List.of(512, 768, 1024), 16, "adamw8bit", true, "qfloat8", true, true, true, false, false, false);
        }
    }
}
