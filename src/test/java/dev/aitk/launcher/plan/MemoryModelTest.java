package dev.aitk.launcher.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryModelTest {
    private static final List<MeasuredRow> ROWS = MeasuredRow.shipped();
    private static final MemoryModel MODEL = MemoryModel.standard();

    /** The measured run: no encoders or VAE on the GPU, fp32 AdamW, the row's precision and checkpointing. */
    static TrainingSettings asMeasured(MeasuredRow r) {
        return new TrainingSettings(ModelVariant.DEV, TransformerShape.FLUX_DEV, r.batchSize(), List.of(r.resolutionPx()),
                r.rank(), "adamw", r.quantized(), "qfloat8", false, r.gradientCheckpointing(), true, true, false, true);
    }

    /** What the benchmark measured: transformer, LoRA, optimizer and activations (no encoders, no VAE). */
    static double measuredPart(MemoryModel model, MeasuredRow r) {
        MemoryBreakdown m = model.phases(asMeasured(r), new MemoryBudget(0, 0, 0, 0), 1).get(0).memory();
        return m.transformerWeightsGib() + m.loraAndOptimizerGib() + m.activationsGib();
    }

    static List<MeasuredRow> steps() {
        return ROWS.stream().filter(MeasuredRow::isStep).toList();
    }

    @Test
    void loraParameterCountOfFluxDevAtRank16IsThePublishedOne() {
        assertThat(TransformerShape.FLUX_DEV.loraParams(16)).isEqualTo(85_917_696L);
        for (MeasuredRow r : ROWS) {
            if ("model".equals(r.kind())) {
                assertThat(TransformerShape.FLUX_DEV.loraParams(r.rank())).isEqualTo(r.loraParams());
            }
        }
    }

    @Test
    void parameterCountGivesTwoBytesPerParameterForTheBf16ResidentRow() {
        assertThat(MODEL.coefficients().bf16BytesPerParam()).isBetween(1.99, 2.02);
        assertThat(MODEL.coefficients().int8BytesPerParam()).isBetween(1.0, 1.05);
    }

    @Test
    void everyMeasuredStepIsPredictedWithinThreePercent() {
        assertThat(steps()).hasSizeGreaterThan(30);
        for (MeasuredRow r : steps()) {
            double predicted = measuredPart(MODEL, r);
            assertThat(predicted).as("%s", r).isCloseTo(r.peakReservedGib(), org.assertj.core.data.Percentage.withPercentage(3));
        }
    }

    @Test
    void leaveOneOutPredictsEachRowWithinFivePercent() {
        List<MeasuredRow> steps = steps();
        for (MeasuredRow left : steps) {
            List<MeasuredRow> rest = new ArrayList<>(ROWS);
            rest.remove(left);
            MemoryModel refit = MemoryModel.fit(rest);
            assertThat(measuredPart(refit, left)).as("left out %s", left)
                    .isCloseTo(left.peakReservedGib(), org.assertj.core.data.Percentage.withPercentage(5));
        }
    }

    @Test
    void stepTimeWithinFifteenPercentExceptTheOneFasterThanItsSmallerRankTwin() {
        int outside = 0;
        for (MeasuredRow r : steps()) {
            double predicted = MODEL.predict(asMeasured(r)).stepSeconds();
            double error = Math.abs(predicted - r.stepSeconds()) / r.stepSeconds();
            if (r.rank() == 128 && r.resolutionPx() == 512) {
                // 0.745 s: faster than the same step at rank 4, 16 and 64 (1.02-1.05 s); a shared-machine outlier.
                assertThat(error).as("%s", r).isLessThan(0.40);
                continue;
            }
            assertThat(error).as("%s predicted %.3f s", r, predicted).isLessThan(0.15);
            if (error > 0.10) {
                outside++;
            }
        }
        assertThat(outside).isLessThan(6);
    }

    @Test
    void withoutCheckpointingActivationsCostMoreThanTenTimesAsMuch() {
        Coefficients c = MODEL.coefficients();
        assertThat(c.noCkptGibPerKiloToken()).isGreaterThan(10 * c.ckptGibPerKiloToken());
    }

    @Test
    void structureMovesMemoryTheWayTheModelSays() {
        TrainingSettings base = new TrainingSettings(ModelVariant.DEV, null, 2, List.of(512, 1024), 16, "adamw8bit",
                false, "qfloat8", false, true, true, true, false, false);
        double dev = MODEL.predict(base).memory().totalGib();
        TrainingSettings kontext = with(base, ModelVariant.KONTEXT, 16, "adamw8bit");
        assertThat(MODEL.phases(kontext, MemoryBudget.forCard(80), 1).get(0).memory().activationsGib())
                .isGreaterThan(MODEL.phases(base, MemoryBudget.forCard(80), 1).get(0).memory().activationsGib());
        double rank128Adam = MODEL.predict(with(base, ModelVariant.DEV, 128, "adamw")).memory().loraAndOptimizerGib();
        double rank128Adam8 = MODEL.predict(with(base, ModelVariant.DEV, 128, "adamw8bit")).memory().loraAndOptimizerGib();
        assertThat(rank128Adam - rank128Adam8).isCloseTo(687_341_568 * 6.0 / MemoryModel.GIB,
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(dev).isPositive();
    }

    @Test
    void cachingEmbeddingsRemovesTheEncodersFromTheTrainingStep() {
        TrainingSettings cached = new TrainingSettings(ModelVariant.DEV, null, 1, List.of(1024), 16, "adamw8bit",
                true, "qfloat8", false, true, true, true, false, true);
        TrainingSettings resident = new TrainingSettings(ModelVariant.DEV, null, 1, List.of(1024), 16, "adamw8bit",
                true, "qfloat8", false, true, true, false, false, true);
        TrainingSettings residentQuantized = new TrainingSettings(ModelVariant.DEV, null, 1, List.of(1024), 16,
                "adamw8bit", true, "qfloat8", true, true, true, false, false, true);
        MemoryBudget b = MemoryBudget.forCard(24);
        assertThat(MODEL.phases(cached, b, 1).get(0).memory().textEncodersGib()).isZero();
        assertThat(MODEL.phases(resident, b, 1).get(0).memory().textEncodersGib()).isBetween(9.0, 9.2);
        assertThat(MODEL.phases(residentQuantized, b, 1).get(0).memory().textEncodersGib()).isBetween(4.5, 4.8);
    }

    @Test
    void latentCachingRemovesTheVaeEncodePeak() {
        TrainingSettings cached = new TrainingSettings(ModelVariant.DEV, null, 4, List.of(1024), 16, "adamw8bit",
                false, "qfloat8", false, true, true, true, false, false);
        TrainingSettings encoding = new TrainingSettings(ModelVariant.DEV, null, 4, List.of(1024), 16, "adamw8bit",
                false, "qfloat8", false, true, false, true, false, false);
        MemoryBudget b = MemoryBudget.forCard(80);
        double diff = MODEL.phases(encoding, b, 1).get(0).memory().vaeGib() - MODEL.phases(cached, b, 1).get(0).memory().vaeGib();
        assertThat(diff).isCloseTo(6.02, org.assertj.core.data.Offset.offset(0.3));
    }

    @Test
    void smallerTransformerFromItsConfigNeedsLessMemory(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"_class_name\": \"FluxTransformer2DModel\", \"attention_head_dim\": 128,"
                + " \"axes_dims_rope\": [16, 56, 56], \"guidance_embeds\": true, \"in_channels\": 64,"
                + " \"joint_attention_dim\": 4096, \"num_attention_heads\": 24, \"num_layers\": 8,"
                + " \"num_single_layers\": 38, \"patch_size\": 1, \"pooled_projection_dim\": 768}");
        TransformerShape flex = TransformerShape.fromConfigJson(config);
        assertThat(flex).isEqualTo(TransformerShape.FLEX2);
        assertThat(flex.baseParams()).isLessThan(TransformerShape.FLUX_DEV.baseParams());
        assertThat(flex.loraParams(16)).isLessThan(TransformerShape.FLUX_DEV.loraParams(16));
    }

    @Test
    void aConfigWithoutBlockCountsIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"num_layers\": 19}");
        assertThatThrownBy(() -> TransformerShape.fromConfigJson(config))
                .isInstanceOf(LauncherException.class).hasMessageContaining("num_single_layers");
        Files.writeString(config, "not json");
        assertThatThrownBy(() -> TransformerShape.fromConfigJson(config))
                .isInstanceOf(LauncherException.class).hasMessageContaining("not a JSON object");
    }

    private static TrainingSettings with(TrainingSettings s, ModelVariant model, int rank, String optimizer) {
        return new TrainingSettings(model, s.shape(), s.batchSize(), s.resolutionsPx(), rank, optimizer, s.quantize(),
                s.qtype(), s.quantizeTextEncoder(), s.gradientCheckpointing(), s.cacheLatentsToDisk(),
                s.cacheTextEmbeddings(), s.unloadTextEncoder(), s.lowVram());
    }
}
