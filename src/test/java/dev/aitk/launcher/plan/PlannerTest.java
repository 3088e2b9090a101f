package dev.aitk.launcher.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.HostInfo;
import dev.aitk.launcher.hardware.Source;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final double[] CARDS_GIB = {8, 12, 16, 24, 40, 48, 80, 141};
    static final int[] GPU_COUNTS = {1, 2, 4, 8};
    static final Planner PLANNER = new Planner(MemoryModel.standard());

    /**
     * The YAML keys ai-toolkit reads (toolkit/config_modules.py TrainConfig, ModelConfig, NetworkConfig,
     * DatasetConfig; the last three only for FLUX.2).
     */
    static final Set<String> AI_TOOLKIT_KEYS = Set.of("train.batch_size", "train.gradient_accumulation",
            "train.gradient_checkpointing", "train.optimizer", "train.cache_text_embeddings",
            "train.unload_text_encoder", "train.steps", "model.quantize", "model.qtype", "model.quantize_te",
            "model.low_vram", "model.split_model_over_gpus", "network.linear", "network.linear_alpha",
            "datasets[*].resolution", "datasets[*].cache_latents_to_disk", "model.qtype_te", "model.layer_offloading",
            "model.layer_offloading_transformer_percent", "model.layer_offloading_text_encoder_percent");

    static GpuInventory gpus(double gib, int count) {
        List<GpuInfo> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long mib = Math.round(gib * 1024);
            list.add(new GpuInfo(i, "test card", null, mib, 0L, mib, null, null, null, Source.FLAGS));
        }
        return new GpuInventory(list, Source.FLAGS, new HostInfo("Linux", null, null, Source.NONE), List.of());
    }

    static TrainingPlan planFor(GpuInventory inventory, PlanRequest request) {
        return PLANNER.plan(inventory, request);
    }

    static TrainingPlan planOrNull(GpuInventory inventory, PlanRequest request) {
        try {
            return planFor(inventory, request);
        } catch (DoesNotFitException e) {
            return null;
        }
    }

    @Test
    void a24GbCardTrainsAQuantizedLoraWithCachedEmbeddings() {
        TrainingPlan plan = planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV));
        assertThat(plan.settings().quantize()).isTrue();
        assertThat(plan.settings().lowVram()).as("bf16 weights cannot sit on a 24 GB card while quantizing").isTrue();
        assertThat(plan.settings().gradientCheckpointing()).isTrue();
        assertThat(plan.settings().cacheTextEmbeddings()).isTrue();
        assertThat(plan.settings().unloadTextEncoder()).isFalse();
        assertThat(plan.settings().optimizer()).isEqualTo("adamw8bit");
        assertThat(plan.layout().mode()).isEqualTo(GpuLayout.Mode.SINGLE_GPU);
        assertThat(plan.prediction().memory().totalGib()).isLessThanOrEqualTo(24);
        assertThat(plan.settings().quantizeTextEncoder()).as("T5 in bf16 beside the transformer would not fit").isTrue();
        assertThat(plan.settings().resolutionsPx()).containsExactly(512, 768, 1024);
    }

    @Test
    void twoEightyGbCardsTrainOneJobInBf16OnOneCardAndSaySoAboutTheOther() {
        TrainingPlan plan = planFor(gpus(80, 2), PlanRequest.of(ModelVariant.DEV));
        assertThat(plan.settings().quantize()).isFalse();
        assertThat(plan.settings().resolutionsPx()).containsExactly(512, 768, 1024);
        assertThat(plan.layout().mode()).isEqualTo(GpuLayout.Mode.SINGLE_GPU);
        assertThat(plan.layout().gpuIndices()).containsExactly(0);
        assertThat(plan.notes()).anyMatch(n -> n.contains("[1]"));
        assertThat(plan.choice("model.split_model_over_gpus").value()).isEqualTo(false);
    }

    @Test
    void smallCardsAreRefusedWithTheSmallestCardThatWorks() {
        for (double gib : new double[] {8, 12}) {
            assertThatThrownBy(() -> planFor(gpus(gib, 1), PlanRequest.of(ModelVariant.DEV)))
                    .isInstanceOfSatisfying(DoesNotFitException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(ExitCode.DOES_NOT_FIT);
                        assertThat(e.refusal().smallestCardGib()).isEqualTo(24.0);
                        assertThat(e.refusal().predictedPeakGib()).isGreaterThan(e.refusal().usableGib());
                        assertThat(e.refusal().changes()).anyMatch(c -> c.contains("24 GB"));
                        assertThat(e.getMessage()).contains("GiB").contains("24 GB");
                    });
        }
    }

    @Test
    void at1024PxAnEightyGbCardTrainsFasterWithoutCheckpointingWhileAt512PxALargeCheckpointedBatchWins() {
        TrainingPlan hi = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(1024)));
        assertThat(hi.settings().gradientCheckpointing()).isFalse();
        TrainingPlan lo = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512)));
        assertThat(lo.settings().gradientCheckpointing()).isTrue();
        assertThat(lo.settings().batchSize()).isGreaterThan(4);
    }

    @Test
    void neverOverBudgetOnAnyCardOrGpuCount() {
        for (ModelVariant variant : ModelVariant.values()) {
            for (double card : CARDS_GIB) {
                for (int n : GPU_COUNTS) {
                    TrainingPlan plan = planOrNull(gpus(card, n), PlanRequest.of(variant));
                    if (plan == null) {
                        continue;
                    }
                    assertThat(plan.prediction().memory().processPeakGib()).as("%s on %d x %s GiB", variant, n, card)
                            .isLessThanOrEqualTo(plan.budget().usableGib());
                    assertThat(plan.prediction().memory().totalGib()).isLessThanOrEqualTo(card + 1e-9);
                    assertThat(plan.budget().usableGib())
                            .isEqualTo(card - plan.budget().cudaContextGib() - plan.budget().marginGib(),
                                    org.assertj.core.data.Offset.offset(0.01));
                    for (Choice c : plan.choices()) {
                        assertThat(AI_TOOLKIT_KEYS).contains(c.key());
                        assertThat(c.reason()).isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void moreMemoryNeverYieldsASlowerPlanForTheSameResolutions() {
        for (ModelVariant variant : ModelVariant.values()) {
            for (List<Integer> res : List.of(List.of(512), List.of(768), List.of(1024), List.of(512, 768, 1024))) {
                double previous = 0;
                boolean fitted = false;
                for (double card : CARDS_GIB) {
                    TrainingPlan plan = planOrNull(gpus(card, 1), PlanRequest.of(variant).withResolutions(res));
                    if (plan == null) {
                        assertThat(fitted).as("%s %s fits a smaller card than %s GiB", variant, res, card).isFalse();
                        continue;
                    }
                    fitted = true;
                    double sps = plan.prediction().samplesPerSecond();
                    assertThat(sps).as("%s %s on %s GiB", variant, res, card).isGreaterThanOrEqualTo(previous * SettingsSearch.TIE);
                    previous = Math.max(previous, sps);
                }
                assertThat(fitted).isTrue();
            }
        }
    }

    @Test
    void pinnedValuesAreRespectedAndMarked() {
        PlanRequest pinned = PlanRequest.of(ModelVariant.DEV).withBatchSize(2).withResolutions(List.of(512, 768))
                .withQuantize(true).withGradientCheckpointing(true).withRank(32).withOptimizer("adamw");
        for (double card : new double[] {24, 40, 80, 141}) {
            TrainingPlan plan = planFor(gpus(card, 1), pinned);
            assertThat(plan.settings().batchSize()).isEqualTo(2);
            assertThat(plan.settings().resolutionsPx()).containsExactly(512, 768);
            assertThat(plan.settings().quantize()).isTrue();
            assertThat(plan.settings().gradientCheckpointing()).isTrue();
            assertThat(plan.settings().rank()).isEqualTo(32);
            assertThat(plan.settings().optimizer()).isEqualTo("adamw");
            for (String key : List.of("train.batch_size", "datasets[*].resolution", "model.quantize",
                    "train.gradient_checkpointing", "network.linear", "train.optimizer")) {
                assertThat(plan.choice(key).pinned()).as(key).isTrue();
            }
            assertThat(plan.choice("train.cache_text_embeddings").pinned()).isFalse();
        }
    }

    @Test
    void aPinnedPlanThatDoesNotFitSaysWhatToUnpin() {
        PlanRequest bf16 = PlanRequest.of(ModelVariant.DEV).withQuantize(false);
        assertThatThrownBy(() -> planFor(gpus(24, 1), bf16))
                .isInstanceOfSatisfying(DoesNotFitException.class, e -> {
                    assertThat(e.getMessage()).startsWith("the pinned plan does not fit");
                    assertThat(e.refusal().changes()).contains("drop --no-quantize");
                    assertThat(e.refusal().predictedPeakGib()).isGreaterThan(e.refusal().usableGib());
                });
        PlanRequest noCkpt = PlanRequest.of(ModelVariant.DEV).withGradientCheckpointing(false)
                .withResolutions(List.of(1024));
        assertThatThrownBy(() -> planFor(gpus(48, 1), noCkpt))
                .isInstanceOfSatisfying(DoesNotFitException.class,
                        e -> assertThat(e.refusal().changes()).contains("drop --no-gradient-checkpointing"));
    }

    @Test
    void whenNoSinglePinIsToBlameTheRefusalSuggestsDroppingThemTogether() {
        PlanRequest heavy = PlanRequest.of(ModelVariant.DEV).withRank(128).withOptimizer("adamw")
                .withResolutions(List.of(1024)).withBatchSize(4);
        assertThatThrownBy(() -> planFor(gpus(24, 1), heavy))
                .isInstanceOfSatisfying(DoesNotFitException.class, e -> assertThat(e.refusal().changes())
                        .contains("drop the pins --batch-size, --resolution, --rank, --optimizer"));
    }

    @Test
    void samePlanForTheSameInput() {
        for (double card : CARDS_GIB) {
            TrainingPlan a = planOrNull(gpus(card, 2), PlanRequest.of(ModelVariant.KONTEXT));
            TrainingPlan b = planOrNull(gpus(card, 2), PlanRequest.of(ModelVariant.KONTEXT));
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void effectiveBatchIsKeptByAccumulation() {
        for (double card : new double[] {24, 48, 80}) {
            TrainingPlan plan = planFor(gpus(card, 1), PlanRequest.of(ModelVariant.DEV).withEffectiveBatch(12));
            assertThat(plan.settings().batchSize() * plan.gradientAccumulation()).isEqualTo(12);
            assertThat(plan.choice("train.gradient_accumulation").value()).isEqualTo(plan.gradientAccumulation());
        }
    }

    @Test
    void aMemoryCapBelowTheLastPeakGivesAStrictlySmallerPlan() {
        TrainingPlan first = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV));
        double failedPeak = first.prediction().memory().processPeakGib();
        TrainingPlan retry = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withMemoryCapGib(failedPeak * 0.9));
        assertThat(retry.prediction().memory().processPeakGib()).isLessThan(failedPeak * 0.9);
    }

    @Test
    void fluxDevSplitsOverTwoSmallCardsButKontextCannot() {
        TrainingPlan split = planFor(gpus(16, 2), PlanRequest.of(ModelVariant.DEV));
        assertThat(split.layout().mode()).isEqualTo(GpuLayout.Mode.SPLIT_MODEL);
        assertThat(split.layout().gpuIndices()).containsExactly(0, 1);
        assertThat(split.choice("model.split_model_over_gpus").value()).isEqualTo(true);
        assertThatThrownBy(() -> planFor(gpus(16, 2), PlanRequest.of(ModelVariant.KONTEXT)))
                .isInstanceOf(DoesNotFitException.class).hasMessageContaining("flux_kontext cannot be split");
    }

    @Test
    void memoryOtherProcessesHoldIsLeftToThem() {
        TrainingPlan idle = planFor(gpus(48, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512)));
        TrainingPlan shared = planFor(busy(48, 3072), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512)));
        assertThat(shared.budget().usableGib()).isEqualTo(idle.budget().usableGib() - 3.0,
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(shared.prediction().memory().processPeakGib()).isLessThanOrEqualTo(shared.budget().usableGib());
        assertThat(shared.notes()).anyMatch(n -> n.contains("3.0 GiB in use"));
        assertThatThrownBy(() -> planFor(busy(24, 3072), PlanRequest.of(ModelVariant.DEV)))
                .isInstanceOfSatisfying(DoesNotFitException.class, e -> assertThat(e.refusal().changes())
                        .contains("free the 3.0 GiB other processes hold on GPU 0"));
    }

    static GpuInventory busy(int gib, long usedMib) {
        long total = gib * 1024L;
        return new GpuInventory(List.of(new GpuInfo(0, "NVIDIA GeForce RTX 4090", null, total, usedMib,
                total - usedMib, "550.54", "8.9", "00000000:01:00.0", Source.NVIDIA_SMI)), Source.NVIDIA_SMI,
                new HostInfo("Linux", null, null, Source.NONE), List.of());
    }

    @Test
    void aSmallDatasetCapsTheBatch() {
        TrainingPlan plan = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512))
                .withDatasetImages(6));
        assertThat(plan.settings().batchSize()).isLessThanOrEqualTo(6);
        assertThat(planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512)))
                .settings().batchSize()).isGreaterThan(6);
    }

    @Test
    void severalJobsGetOneGpuEach() {
        TrainingPlan plan = planFor(gpus(48, 4), PlanRequest.of(ModelVariant.FLEX2).withJobs(3));
        assertThat(plan.layout().mode()).isEqualTo(GpuLayout.Mode.ONE_JOB_PER_GPU);
        assertThat(plan.layout().gpuIndices()).containsExactly(0, 1, 2);
        assertThat(plan.layout().cudaVisibleDevices()).isEqualTo("0,1,2");
        assertThat(plan.notes()).anyMatch(n -> n.startsWith("together the 3 jobs train"));
    }

    @Test
    void smallerTransformersNeedLessAndKontextNeedsMore() {
        double dev = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withBatchSize(4).withQuantize(false)
                .withGradientCheckpointing(true).withResolutions(List.of(1024))).prediction().memory().processPeakGib();
        double flex = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.FLEX2).withBatchSize(4).withQuantize(false)
                .withGradientCheckpointing(true).withResolutions(List.of(1024))).prediction().memory().processPeakGib();
        double kontext = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.KONTEXT).withBatchSize(4).withQuantize(false)
                .withGradientCheckpointing(true).withResolutions(List.of(1024))).prediction().memory().processPeakGib();
        assertThat(flex).isLessThan(dev);
        assertThat(kontext).isGreaterThan(dev);
    }

    @Test
    void noGpuOrUnknownMemoryIsAnEnvironmentError() {
        GpuInventory none = new GpuInventory(List.of(), Source.NONE, new HostInfo("Linux", null, null, Source.NONE),
                List.of());
        assertThatThrownBy(() -> planFor(none, PlanRequest.of(ModelVariant.DEV)))
                .isInstanceOfSatisfying(LauncherException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT))
                .hasMessageContaining("--gpu-memory");
        GpuInventory counted = new GpuInventory(List.of(new GpuInfo(0, "NVIDIA", null, null, null, null, null, null,
                "0000:01:00.0", Source.SYSFS)), Source.SYSFS, new HostInfo("Linux", null, null, Source.NONE), List.of());
        assertThatThrownBy(() -> planFor(counted, PlanRequest.of(ModelVariant.DEV)))
                .isInstanceOfSatisfying(LauncherException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.ENVIRONMENT));
    }

    @Test
    void badPinsAreUsageErrors() {
        assertThatThrownBy(() -> planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV).withOptimizer("sgdx")))
                .isInstanceOfSatisfying(LauncherException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(500))))
                .isInstanceOfSatisfying(LauncherException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV).withBatchSize(3)
                .withEffectiveBatch(8)))
                .isInstanceOfSatisfying(LauncherException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
    }
}
