package dev.aitk.launcher.plan;

import static dev.aitk.launcher.plan.PlannerTest.gpus;
import static dev.aitk.launcher.plan.PlannerTest.planFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan keeps what the user asked to train and picks the least total time for it. */
class TrainingBudgetTest {

    @Test
    void forTheTemplatesBudgetThePlanIsNeverSlowerThanTheBatchOnePlan() {
        for (ModelVariant variant : ModelVariant.values()) {
            for (double card : new double[] {24, 48, 80, 141}) {
                for (int n : new int[] {1, 2}) {
                    TrainingPlan free = PlannerTest.planOrNull(gpus(card, n), PlanRequest.of(variant));
                    TrainingPlan one = PlannerTest.planOrNull(gpus(card, n), PlanRequest.of(variant).withBatchSize(1));
                    if (free == null) {
                        assertThat(one).as("%s on %d x %s GB", variant, n, card).isNull();
                        continue;
                    }
                    String what = variant + " on " + n + " x " + card + " GB";
                    assertThat(free.schedule().totalSeconds()).as(what)
                            .isLessThanOrEqualTo(one.schedule().totalSeconds());
                    long samples = (long) free.schedule().steps() * free.effectiveBatch();
                    assertThat(samples).as(what).isBetween(2000L, 2000L + free.effectiveBatch() - 1);
                    assertThat(free.choice("train.steps").value()).isEqualTo(free.schedule().steps());
                    assertThat(free.schedule().totalSeconds()).isCloseTo(free.schedule().steps()
                            * free.prediction().stepSeconds(), org.assertj.core.data.Percentage.withPercentage(0.1));
                }
            }
        }
    }

    @Test
    void anEightyGbCardTrainsTheSameTwoThousandSamplesInFewerStepsAndSaysSo() {
        TrainingPlan plan = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV));
        assertThat(plan.settings().batchSize()).isGreaterThan(1);
        assertThat(plan.schedule().steps()).isEqualTo((int) Math.ceil(2000.0 / plan.settings().batchSize()));
        assertThat(plan.choice("train.steps").reason()).contains("2000 steps at batch 1")
                .contains("scales with the batch");
        assertThat(plan.schedule().epochs()).isNull();
        assertThat(plan.schedule().totalTime()).matches("\\d+ (min|h \\d\\d min)");
    }

    @Test
    void stepsGivenAtAPinnedBatchAreKeptAsAsked() {
        TrainingPlan plan = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withSteps(500).withBatchSize(4));
        assertThat(plan.schedule().steps()).isEqualTo(500);
        assertThat(plan.schedule().samples()).isEqualTo(2000);
        TrainingPlan atOne = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withSteps(700)
                .withResolutions(List.of(512)));
        assertThat((long) atOne.schedule().steps() * atOne.settings().batchSize()).isBetween(700L,
                700L + atOne.settings().batchSize() - 1);
    }

    @Test
    void theTemplatesBaselineIsTheBudgetWhenNoStepsAreGiven() {
        StepBaseline kontext = StepBaseline.ofTemplate("flux-kontext-inpaint", 3000, 1, 1);
        TrainingPlan plan = planFor(gpus(48, 1), PlanRequest.of(ModelVariant.KONTEXT).withBaseline(kontext));
        assertThat(plan.schedule().samples()).isBetween(3000L, 3000L + plan.effectiveBatch() - 1);
        assertThat(plan.schedule().budget()).isEqualTo("flux-kontext-inpaint's 3000 steps at batch 1");
    }

    @Test
    void epochsCountEveryImageAtEveryResolution() {
        PlanRequest r = PlanRequest.of(ModelVariant.DEV).withDatasetImages(40).withEpochs(10)
                .withResolutions(List.of(512, 768));
        TrainingPlan plan = planFor(gpus(80, 1), r);
        assertThat(plan.schedule().samples()).isEqualTo(800);
        assertThat(plan.schedule().epochs()).isEqualTo(10.0);
        assertThat(plan.schedule().budget()).startsWith("10 epochs (--epochs) over 40 images at 2 resolutions");
    }

    @Test
    void epochsWithoutADatasetOrWithStepsAreUsageErrors() {
        assertThatThrownBy(() -> planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV).withEpochs(3)))
                .isInstanceOfSatisfying(LauncherException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("--dataset");
        assertThatThrownBy(() -> planFor(gpus(24, 1), PlanRequest.of(ModelVariant.DEV).withDatasetImages(5)
                .withEpochs(3).withSteps(100)))
                .isInstanceOfSatisfying(LauncherException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
    }

    @Test
    void twelveImagesInFourBucketsCapTheBatchAtTheSmallestBucket() {
        List<int[]> sizes = new ArrayList<>();
        int[][] shapes = {{1024, 1024}, {1024, 768}, {768, 1024}, {1344, 768}};
        for (int[] s : shapes) {
            for (int i = 0; i < 3; i++) {
                sizes.add(s);
            }
        }
        DatasetShape twelve = DatasetShape.ofSizes(sizes);
        assertThat(twelve.bucketsAt(1024, 32)).hasSize(4);
        TrainingPlan plan = planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withDataset(twelve)
                .withResolutions(List.of(512)));
        assertThat(plan.settings().batchSize()).isLessThanOrEqualTo(3);
        assertThat(plan.choice("train.batch_size").reason()).contains("bucket").contains("holds 3 images");
        assertThat(planFor(gpus(80, 1), PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512)))
                .settings().batchSize()).isGreaterThan(3);
    }

    @Test
    void aStrayImageInItsOwnBucketDoesNotForceBatchOne() {
        List<int[]> sizes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sizes.add(new int[] {1024, 1024});
        }
        sizes.add(new int[] {2000, 500});
        DatasetShape shape = DatasetShape.ofSizes(sizes);
        assertThat(shape.smallestUsefulBucket(List.of(512), 32).images()).isEqualTo(40);
        assertThat(shape.batchesPerEpoch(List.of(512), 32, 8)).isEqualTo(5 + 1);
    }

    @Test
    void bucketsAreAiToolkitsOwn() {
        // Expected values printed by the snapshot's toolkit/buckets.py get_bucket_for_image_size.
        int[][] cases = {
            {1024, 768, 512, 32, 576, 448}, {1024, 768, 1024, 32, 1024, 768}, {3000, 2000, 768, 32, 960, 608},
            {500, 400, 512, 32, 480, 416}, {1080, 1920, 1024, 16, 768, 1360}, {1234, 777, 768, 16, 960, 608},
            {640, 640, 1024, 32, 640, 640},
        };
        for (int[] c : cases) {
            assertThat(Buckets.bucketFor(c[0], c[1], c[2], c[3])).as("%dx%d at %d", c[0], c[1], c[2])
                    .containsExactly(c[4], c[5]);
        }
    }
}
