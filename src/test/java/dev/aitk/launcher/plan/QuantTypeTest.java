package dev.aitk.launcher.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuantTypeTest {
    @Test
    void packedIntegerTypesTakeWholeSlotsOfAByte() {
        // uintx_quant.py packs 8 // bits values per byte: uint3 is as big as uint4, uint5..7 as big as uint8.
        assertThat(QuantType.bytesPerWeight("uint3")).isEqualTo(QuantType.bytesPerWeight("uint4"));
        assertThat(QuantType.bytesPerWeight("uint6")).isEqualTo(QuantType.bytesPerWeight("uint8"));
        assertThat(QuantType.bytesPerWeight("uint2")).isCloseTo(0.25 + 3.0 / 64, within(1e-9));
        assertThat(QuantType.bytesPerWeight("nvfp4")).isCloseTo(0.5625, within(1e-9));
        assertThat(QuantType.bytesPerWeight("qfloat8")).isEqualTo(1.0);
        assertThat(QuantType.bytesPerWeight(null)).as("ai-toolkit's default").isEqualTo(1.0);
    }

    @Test
    void anAdapterAfterTheBarIsKeptAndAnUnknownNameIsNull() {
        QuantType q = QuantType.parse("uint4|ostris/accuracy_recovery_adapters/wan22_14b_t2i_torchao_uint4.safetensors");
        assertThat(q.name()).isEqualTo("uint4");
        assertThat(q.adapter()).endsWith("uint4.safetensors");
        assertThat(q.belowEightBits()).isTrue();
        assertThat(QuantType.parse("convrot8").belowEightBits()).isFalse();
        assertThat(QuantType.parse("qfloat4")).isNull();
        assertThat(QuantType.names()).contains("convrotint5", "orbitvq3", "float8");
    }

    @Test
    void aFourBitTransformerIsPredictedSmallerThanAnEightBitOneForBothFamilies() {
        MemoryModel model = MemoryModel.standard();
        for (ModelVariant v : List.of(ModelVariant.DEV, ModelVariant.FLUX2_KLEIN_9B)) {
            double eight = step(model, settings(v, "qfloat8"));
            double four = step(model, settings(v, "uint4|some/adapter/file.safetensors"));
            double params = TransformerShape.defaultFor(v).baseParams() / MemoryModel.GIB;
            assertThat(eight - four).as(v.name()).isCloseTo(params * (1 - QuantType.bytesPerWeight("uint4")), within(0.05));
        }
    }

    private static double step(MemoryModel model, TrainingSettings s) {
        return model.predict(s).phase(Phase.TRAINING_STEP).memory().transformerWeightsGib();
    }

    private static TrainingSettings settings(ModelVariant v, String qtype) {
        return new TrainingSettings(v, TransformerShape.defaultFor(v), 1, List.of(512), 16, "adamw8bit", true, qtype,
                false, true, true, true, false, false);
    }
}
