package dev.aitk.launcher.plan;

import static dev.aitk.launcher.plan.PlannerTest.gpus;
import static dev.aitk.launcher.plan.PlannerTest.planFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** FLUX.2 on 16, 24, 48 and 80 GB cards: an explained plan or a clear refusal. */
class Flux2PlanTest {
    static final List<ModelVariant> FLUX2 = List.of(ModelVariant.FLUX2_KLEIN_4B, ModelVariant.FLUX2_KLEIN_9B,
            ModelVariant.FLUX2_DEV);

    @Test
    void everyFlux2ModelOnEveryCardIsPlannedOrRefusedWithTheCardThatWorks() {
        for (ModelVariant v : FLUX2) {
            for (double card : new double[] {16, 24, 48, 80}) {
                TrainingPlan plan = PlannerTest.planOrNull(gpus(card, 1), PlanRequest.of(v));
                if (plan == null) {
                    assertThatThrownBy(() -> planFor(gpus(card, 1), PlanRequest.of(v)))
                            .isInstanceOfSatisfying(DoesNotFitException.class, e -> {
                                assertThat(e.refusal().changes()).anyMatch(c -> c.startsWith("use a GPU with at least"));
                                assertThat(e.getMessage()).contains("GiB are usable");
                            });
                    continue;
                }
                assertThat(plan.prediction().peakGib()).isLessThanOrEqualTo(plan.budget().usableGib());
                assertThat(plan.settings().cacheTextEmbeddings()).as("flux2 get_te_has_grad returns False").isTrue();
                assertThat(plan.notes()).anyMatch(n -> n.startsWith("FLUX.2: ") && n.contains("not measured"));
                assertThat(plan.choice("model.layer_offloading")).isNotNull();
                for (Choice c : plan.choices()) {
                    assertThat(c.reason()).as(c.key()).isNotBlank().doesNotContain("T5");
                }
            }
        }
    }

    @Test
    void klein4bTrainsOnSixteenGbWithoutOffloadingAndFluxTwoDevNeedsFortyEightForItsBf16Mistral() {
        TrainingPlan small = planFor(gpus(16, 1), PlanRequest.of(ModelVariant.FLUX2_KLEIN_4B));
        assertThat(small.settings().layerOffloadingPercent()).isZero();
        assertThat(small.choice("model.layer_offloading").value()).isEqualTo(false);
        assertThatThrownBy(() -> planFor(gpus(24, 1), PlanRequest.of(ModelVariant.FLUX2_DEV)))
                .isInstanceOfSatisfying(DoesNotFitException.class, e -> {
                    assertThat(e.refusal().peakPhase()).isEqualTo("loading text encoders");
                    assertThat(e.refusal().smallestCardGib()).isEqualTo(48.0);
                });
    }

    @Test
    void offloadingIsTheLastResortAndUsesFloat8AsAiToolkitWould() {
        TrainingPlan plan = planFor(gpus(16, 1), PlanRequest.of(ModelVariant.FLUX2_KLEIN_9B));
        assertThat(plan.settings().layerOffloadingPercent()).isPositive();
        assertThat(plan.choice("model.qtype").value()).isEqualTo("float8");
        assertThat(plan.choice("model.layer_offloading_transformer_percent").reason()).contains("GiB/s")
                .contains("s a step");
        assertThat(plan.choice("model.layer_offloading_text_encoder_percent").value())
                .as("ModelConfig would default it to 1.0").isEqualTo(0.0);
        TrainingPlan roomy = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.FLUX2_KLEIN_9B));
        assertThat(roomy.settings().layerOffloadingPercent()).isZero();
        assertThat(roomy.schedule().samplesPerSecond()).isGreaterThan(plan.schedule().samplesPerSecond());
    }

    @Test
    void fluxOnePlansCarryNoFluxTwoKeys() {
        TrainingPlan plan = planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV));
        assertThat(plan.choice("model.layer_offloading")).isNull();
        assertThat(plan.choice("model.qtype_te")).isNull();
    }

    @Test
    void theModelFlagSpellingsParse() {
        assertThat(ModelVariant.parse("flux2-klein-4b")).isEqualTo(ModelVariant.FLUX2_KLEIN_4B);
        assertThat(ModelVariant.parse("FLUX2_DEV")).isEqualTo(ModelVariant.FLUX2_DEV);
        assertThat(ModelVariant.parse("Kontext")).isEqualTo(ModelVariant.KONTEXT);
        assertThat(ModelVariant.fromArch("flux2_klein_9b", null)).isEqualTo(ModelVariant.FLUX2_KLEIN_9B);
        assertThat(ModelVariant.fromArch(null, "black-forest-labs/FLUX.2-klein-base-4B"))
                .isEqualTo(ModelVariant.FLUX2_KLEIN_4B);
    }
}
