package dev.aitk.launcher.plan;

import static dev.aitk.launcher.plan.PlannerTest.gpus;
import static dev.aitk.launcher.plan.PlannerTest.planFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.hardware.GpuInventory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every phase's prediction, one basis for "peak", and what an out-of-memory failure may cap. */
class PhasePredictionTest {

    @Test
    void aQuantizedPlanCarriesEveryPhaseAndItsPeakIsTheLargest() {
        TrainingPlan plan = planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV));
        Prediction p = plan.prediction();
        assertThat(p.phases()).extracting(PhasePeak::phase)
                .containsExactly(Phase.LOAD, Phase.TEXT_ENCODER_CACHING, Phase.TRAINING_STEP);
        double largest = p.phases().stream().mapToDouble(PhasePeak::peakGib).max().orElseThrow();
        assertThat(p.peakGib()).isEqualTo(largest, org.assertj.core.data.Offset.offset(0.001));
        for (PhasePeak phase : p.phases()) {
            assertThat(phase.peakGib()).isEqualTo(phase.memory().totalGib() - phase.memory().cudaContextGib()
                    - phase.memory().marginGib(), org.assertj.core.data.Offset.offset(0.001));
        }
        TrainingPlan onGpu = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withQuantize(true));
        assertThat(onGpu.prediction().phase(Phase.QUANTIZE)).as("quantized on the GPU without low_vram").isNotNull();
    }

    @Test
    void theFitSentenceComparesTheProcessPeakWithTheUsableMemory() {
        TrainingPlan plan = planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV));
        PeakFit fit = plan.peakFit();
        assertThat(fit.fits()).isTrue();
        assertThat(fit.peakGib()).isEqualTo(plan.prediction().peakGib(), org.assertj.core.data.Offset.offset(0.001));
        assertThat(fit.usableGib()).isEqualTo(plan.budget().usableGib());
        assertThat(fit.sentence()).matches("peak \\d+\\.\\d GiB \\(.+\\) of 22\\.3 GiB usable \\(24\\.0 GiB card - 0\\.5 GiB "
                + "CUDA context - 1\\.2 GiB margin\\)");
    }

    @Test
    void kontextAndFlex2KeepTheirTextEncodersBecauseAiToolkitCannotSampleThemWithCachedEmbeddings() {
        for (ModelVariant v : List.of(ModelVariant.KONTEXT, ModelVariant.FLEX2)) {
            TrainingPlan plan = planFor(gpus(48, 1), PlanRequest.of(v));
            assertThat(plan.settings().cacheTextEmbeddings()).as("%s", v).isFalse();
            assertThat(plan.choice("train.cache_text_embeddings").value()).isEqualTo(false);
            assertThat(plan.choice("train.cache_text_embeddings").reason()).contains("get_te_has_grad")
                    .contains("FakeTextEncoder");
            assertThat(plan.prediction().phase(Phase.TRAINING_STEP).memory().textEncodersGib()).isPositive();
        }
        assertThat(planFor(gpus(48, 1), PlanRequest.of(ModelVariant.DEV)).settings().cacheTextEmbeddings()).isTrue();
    }

    @Test
    void aTrainingStepOomCapsOnlyTheTrainingStepAndTheBatch() {
        GpuInventory card = gpus(80, 1).withTotalMib(0, Math.round(23.55 * 1024));
        PlanRequest asked = PlanRequest.of(ModelVariant.DEV);
        TrainingPlan first = planFor(card, asked);
        double stepPeak = first.prediction().phase(Phase.TRAINING_STEP).peakGib();
        OomLimits limits = OomLimits.NONE.withPhaseCap(Phase.TRAINING_STEP, stepPeak - 1.0).withMaxBatch(1);
        TrainingPlan next = planFor(card, asked.withOomLimits(limits));
        assertThat(next.settings().batchSize()).isEqualTo(1);
        assertThat(next.prediction().phase(Phase.TRAINING_STEP).peakGib()).isLessThanOrEqualTo(stepPeak - 1.0);
        assertThat(next.prediction().phase(Phase.LOAD).peakGib())
                .as("the load phase already passed: not capped").isGreaterThan(stepPeak - 1.0);
        assertThat(new OomLimits(null, Map.of(Phase.LOAD, 1.0)).allows(next.prediction())).isFalse();
    }

    @Test
    void hostRamEntersThePlanWhereTheTransformerIsLoadedOnTheCpu() {
        TrainingPlan unknown = planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV));
        assertThat(unknown.hostMemory().haveGib()).isNull();
        assertThat(unknown.hostMemory().needGib()).as("bf16 FLUX.1-dev weights + the process").isBetween(24.0, 28.0);
        assertThat(unknown.hostMemory().reason()).contains("quantizing it on the CPU (low_vram)");
        TrainingPlan small = planFor(withRam(gpus(24, 1), 16), PlanRequest.of(ModelVariant.DEV));
        assertThat(small.hostMemory().fits()).isFalse();
        assertThat(small.notes()).anyMatch(n -> n.startsWith("warning: ") && n.contains("the host has 16.0 GiB"));
        TrainingPlan big = planFor(withRam(gpus(24, 1), 64), PlanRequest.of(ModelVariant.DEV));
        assertThat(big.hostMemory().fits()).isTrue();
        assertThat(big.notes()).noneMatch(n -> n.startsWith("warning: "));
        TrainingPlan jobs = planFor(withRam(gpus(48, 4), 64), PlanRequest.of(ModelVariant.DEV).withJobs(4));
        assertThat(jobs.hostMemory().fits()).as("four processes load four transformers").isFalse();
    }

    static GpuInventory withRam(GpuInventory inv, int gib) {
        return new GpuInventory(inv.gpus(), inv.gpuSource(), new dev.aitk.launcher.hardware.HostInfo("Linux",
                gib * 1024L, 8, dev.aitk.launcher.hardware.Source.PROCFS), inv.notes());
    }

    @Test
    void thePlanCarriesTheRequestItWasMadeFrom() {
        PlanRequest r = PlanRequest.of(ModelVariant.FLEX2).withRank(32);
        assertThat(planFor(gpus(48, 1), r).request()).isEqualTo(r);
    }
}
