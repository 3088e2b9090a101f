package dev.aitk.launcher.launch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;

import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.SupervisorListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OOM -> the real planner re-plans under a lower cap -> a new config with the same name and folder -> run.py
 * resumes from its newest checkpoint -> finished. The run.py double OOMs while model.quantize is off.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OomReplannerTest {
    @TempDir
    Path tmp;

    private final Planner planner = new Planner(MemoryModel.standard());

    private GpuInventory card(String size) {
        return new GpuDetector(FakeToolkit.launcherEnvironment(tmp), new ZtProcessRunner())
                .detect(ByteSize.parse(size), 1);
    }

    @Test
    void anOutOfMemoryRunIsReplannedSmallerAndResumesToTheEnd() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        GpuInventory inventory = card("80GB");
        PlanRequest request = PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512)).withEffectiveBatch(8);
        TrainingPlan first = planner.plan(inventory, request);
        int firstBatch = first.settings().batchSize();
        assertThat(first.settings().quantize()).as("80 GB needs no quantization at 512 px").isFalse();
        OomReplanner.ConfigWriter writer = (failed, plan, attempt) -> {
            try {
                return kit.config("planned.attempt-" + attempt + ".yaml", "planned", plan.settings().batchSize(), 30, 10,
                        plan.settings().quantize());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
        Path config = kit.config("planned.yaml", "planned", firstBatch, 30, 10, false);
        // The card "really" has less memory than the model predicted: unquantized, the run does not fit.
        RunSpec spec = kit.spec("planned", config, Map.of("FAKE_AITK_OOM_UNLESS_QUANTIZED", "1",
                "FAKE_AITK_OOM_AT_STEP", "15"));
        spec = spec.withCommand(spec.command(), Json.mapper().valueToTree(first));

        RunRecord record = new Supervisor(FakeToolkit.launcherEnvironment(tmp), Clock.systemUTC(),
                SupervisorListener.SILENT).run(spec, FakeToolkit.fastPolicy().withMaxAttempts(8),
                FakeToolkit.recovery(new OomReplanner(planner, inventory, List.of(0), request, first, writer)));

        assertThat(record.exit()).as(record.attempts().stream().map(AttemptRecord::nextAction).toList() + " / first batch " + firstBatch).isEqualTo(ExitCode.OK);
        AttemptRecord oom = record.attempts().get(0);
        assertThat(oom.cause()).isEqualTo(FailureKind.OUT_OF_MEMORY);
        assertThat(oom.nextAction()).contains("re-planned smaller").contains("GiB cap (the failed plan:");
        AttemptRecord last = record.attempts().get(record.attempts().size() - 1);
        assertThat(last.resumedFromStep()).as("resumed, not restarted").isEqualTo(10L);
        // run.json carries the plan the run ended with, as the plan stage writes it.
        assertThat(record.plan().at("/settings/quantize").asBoolean()).isTrue();
        JsonNode memory = record.plan().at("/prediction/memory");
        assertThat(memory.get("total").asDouble() - memory.get("cuda_context").asDouble()
                - memory.get("margin").asDouble()).isLessThan(first.prediction().memory().processPeakGib());
    }

    @Test
    void nothingFittingBelowTheCapEndsWithExit4AndThePlannersAdvice() throws Exception {
        GpuInventory inventory = card("24GB");
        PlanRequest request = PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512));
        TrainingPlan first = planner.plan(inventory, request);
        OomReplanner replanner = new OomReplanner(planner, inventory, List.of(0), request, first,
                (failed, plan, attempt) -> tmp.resolve("never.yaml"));
        RunSpec spec = new RunSpec("x", List.of("python", "run.py", "c.yaml"), tmp, Map.of(), Map.of(), tmp, null, tmp,
                Json.mapper().valueToTree(first));
        AttemptRecord oom = new AttemptRecord(1, null, null, 1, FailureKind.OUT_OF_MEMORY, "oom", null, null, 120L,
                1000L, null, null, 0, "first start", Map.of(), null, List.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int i = 0; i < 30; i++) {
                spec.withCommand(replanner.afterOutOfMemory(spec, oom).orElseThrow().spec().command(), null);
            }
        }).isInstanceOf(dev.aitk.launcher.util.LauncherException.class)
                .hasMessageContaining("out of GPU memory at step 120")
                .hasMessageContaining("no plan fits under")
                .extracting(e -> ((dev.aitk.launcher.util.LauncherException) e).exitCode())
                .isEqualTo(ExitCode.DOES_NOT_FIT);
    }

    private static List<String> traceback(String resource) throws IOException {
        try (var in = OomReplannerTest.class.getResourceAsStream("/" + resource)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static AttemptRecord oomAt(Long step, List<String> traceback) {
        return new AttemptRecord(1, null, null, 1, FailureKind.OUT_OF_MEMORY, traceback.get(traceback.size() - 1),
                null, null, step, 2000L, null, null, 0, "first start", Map.of(), null, traceback);
    }

    /** The plan for a card of {@code size}, the re-planner that starts from it and the plans it writes. */
    private record Start(TrainingPlan first, List<TrainingPlan> seen, OomReplanner replanner) {
    }

    private Start start(String size, PlanRequest request) {
        GpuInventory inventory = card(size);
        TrainingPlan first = planner.plan(inventory, request);
        List<TrainingPlan> seen = new java.util.ArrayList<>();
        return new Start(first, seen, new OomReplanner(planner, inventory, List.of(0), request, first,
                (failed, plan, attempt) -> {
                    seen.add(plan);
                    return tmp.resolve("next-" + attempt + ".yaml");
                }));
    }

    private RunSpec spec(TrainingPlan plan) {
        return new RunSpec("x", List.of("python", "run.py", "c.yaml"), tmp, Map.of(), Map.of(), tmp, null, tmp,
                Json.mapper().valueToTree(plan));
    }

    @Test
    void aCardSmallerThanTheUserSaidIsReplannedForTheCardTheMessageNames() throws Exception {
        Start start = start("80GB", PlanRequest.of(ModelVariant.DEV));
        TrainingPlan first = start.first();
        List<TrainingPlan> seen = start.seen();

        var replan = start.replanner()
                .afterOutOfMemory(spec(first), oomAt(3L, traceback("oom/24gb-training-step.stderr"))).orElseThrow();

        TrainingPlan next = seen.get(0);
        assertThat(next.budget().cardTotalGib()).as("the card the message names").isCloseTo(23.55, within(0.01));
        assertThat(next.prediction().peakGib()).isLessThanOrEqualTo(next.budget().usableGib());
        assertThat(next.settings().batchSize()).isLessThanOrEqualTo(first.settings().batchSize());
        assertThat(replan.reason()).contains("training step predicted at").contains("on GPU 0 (23.6 GiB as CUDA reports it)");
    }

    @Test
    void aTrainingStepOomOnA24GbCardIsNotRefusedForTheLoadPhaseItGotPast() throws Exception {
        Start start = start("24GB", PlanRequest.of(ModelVariant.DEV).withBatchSize(2));
        TrainingPlan first = start.first();
        List<TrainingPlan> seen = start.seen();

        start.replanner()
                .afterOutOfMemory(spec(first), oomAt(1L, traceback("oom/24gb-training-step.stderr")));

        TrainingPlan next = seen.get(0);
        assertThat(next.settings().batchSize()).isEqualTo(1);
        assertThat(next.prediction().phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib())
                .isLessThan(first.prediction().phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib());
    }

    @Test
    void theRealH100MessageCapsTheStepByHowFarThePredictionWasFromTheTruthAndNeverRaisesTheBatch() throws Exception {
        Start start = start("80GB", PlanRequest.of(ModelVariant.DEV));
        TrainingPlan first = start.first();
        List<TrainingPlan> seen = start.seen();
        OomReplanner replanner = start.replanner();
        RunSpec spec = spec(first);

        for (int i = 0; i < 2; i++) {
            replanner.afterOutOfMemory(spec, oomAt(10L, traceback("fixtures/h100/torch-oom.stderr")));
        }

        // 70.51 GiB in use + 40 GiB asked for, against about 74.7 GiB usable: the step must shrink by a third.
        double step0 = first.prediction().phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib();
        double step1 = seen.get(0).prediction().phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib();
        assertThat(step1).isLessThanOrEqualTo(step0 * 74.8 / 110.51);
        assertThat(seen).extracting(p -> p.settings().batchSize())
                .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(first.settings().batchSize()));
        assertThat(seen.get(1).settings().batchSize()).isLessThanOrEqualTo(seen.get(0).settings().batchSize());
    }

    @Test
    void aMessageWithoutFiguresCapsTheFailedPhaseAtNinetyPercentOfItsPrediction() throws Exception {
        Start start = start("80GB", PlanRequest.of(ModelVariant.DEV));
        TrainingPlan first = start.first();
        List<TrainingPlan> seen = start.seen();

        var replan = start.replanner().afterOutOfMemory(spec(first),
                oomAt(12L, List.of("RuntimeError: CUDA error: out of memory"))).orElseThrow();

        double step0 = first.prediction().phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib();
        double step1 = seen.get(0).prediction().phase(dev.aitk.launcher.plan.Phase.TRAINING_STEP).peakGib();
        assertThat(step1).isLessThanOrEqualTo(step0 * OomReplanner.CAP_FRACTION + 1e-6);
        assertThat(seen.get(0).budget().cardTotalGib()).as("no capacity in the message: the card stays as detected")
                .isEqualTo(first.budget().cardTotalGib());
        assertThat(replan.reason()).contains(String.format(java.util.Locale.ROOT, "under a %.1f GiB cap",
                step0 * OomReplanner.CAP_FRACTION)).doesNotContain("as CUDA reports it");
    }

    @Test
    void anOomWhileLoadingOnACardSmallerThanTheUserSaidCapsTheLoadPhase() throws Exception {
        Start start = start("80GB", PlanRequest.of(ModelVariant.DEV));
        TrainingPlan first = start.first();
        List<TrainingPlan> seen = start.seen();
        List<String> loading = List.of("Traceback (most recent call last):",
                "  File \"/home/user/ai-toolkit/toolkit/stable_diffusion_model.py\", line 700, in load_model",
                "    transformer.to(self.device_torch, dtype=dtype)",
                "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 90.00 MiB. GPU 0 has a total capacity "
                        + "of 23.55 GiB of which 20.00 MiB is free. Including non-PyTorch memory, this process has "
                        + "23.52 GiB memory in use.");

        var replan = start.replanner().afterOutOfMemory(spec(first), oomAt(null, loading))
                .orElseThrow();

        double load0 = first.prediction().phase(dev.aitk.launcher.plan.Phase.LOAD).peakGib();
        double load1 = seen.get(0).prediction().phase(dev.aitk.launcher.plan.Phase.LOAD).peakGib();
        assertThat(load1).as("the loading peak must come down").isLessThan(load0);
        assertThat(first.settings().quantize()).as("80 GB loads the transformer in bf16").isFalse();
        assertThat(seen.get(0).settings().quantize()).as("23.55 GiB needs it quantized").isTrue();
        assertThat(seen.get(0).prediction().peakGib()).isLessThanOrEqualTo(seen.get(0).budget().usableGib());
        assertThat(replan.reason()).contains(dev.aitk.launcher.plan.Phase.LOAD.description() + " predicted at");
    }

    @Test
    void aRunThatOomsAboveBatchOneOnA24GbCardToldEightyGbReachesBatchOneWithinTheAttemptBudget() throws Exception {
        Start start = start("80GB", PlanRequest.of(ModelVariant.DEV).withResolutions(List.of(512, 768, 1024)));
        TrainingPlan first = start.first();
        List<TrainingPlan> seen = start.seen();
        assertThat(first.settings().batchSize()).as("80 GB batches several images").isGreaterThan(1);
        OomReplanner replanner = start.replanner();
        RunSpec spec = spec(first);
        List<String> oom = traceback("oom/24gb-training-step.stderr");

        int starts = 1;
        TrainingPlan running = first;
        // The card OOMs at any batch above 1, each time with the same figures of a full 24 GB card.
        while (running.settings().batchSize() > 1 && starts < RecoveryPolicy.defaults().maxAttempts()) {
            spec = replanner.afterOutOfMemory(spec, oomAt(10L, oom)).orElseThrow().spec();
            running = seen.get(seen.size() - 1);
            starts++;
            assertThat(running.prediction().peakGib()).isLessThanOrEqualTo(running.budget().usableGib());
            assertThat(running.budget().cardTotalGib()).isCloseTo(23.55, within(0.01));
        }
        assertThat(running.settings().batchSize()).as(seen.stream().map(p -> p.settings().batchSize()).toList()
                + " within " + RecoveryPolicy.defaults().maxAttempts() + " starts").isEqualTo(1);
    }

    @Test
    void theFailedPhaseIsReadFromTheStepAndTheTracebackFrames() {
        assertThat(OomReplanner.failedPhase(oomAt(5L, List.of("torch.OutOfMemoryError: x"))))
                .isEqualTo(dev.aitk.launcher.plan.Phase.TRAINING_STEP);
        assertThat(OomReplanner.failedPhase(oomAt(null, List.of("  File \"toolkit/util/quantize.py\", line 40, in quantize",
                "torch.OutOfMemoryError: x")))).isEqualTo(dev.aitk.launcher.plan.Phase.QUANTIZE);
        assertThat(OomReplanner.failedPhase(oomAt(null, List.of("    embeds = self.sd.encode_prompt(prompt)",
                "torch.OutOfMemoryError: x")))).isEqualTo(dev.aitk.launcher.plan.Phase.TEXT_ENCODER_CACHING);
        assertThat(OomReplanner.failedPhase(oomAt(null, List.of("torch.OutOfMemoryError: x"))))
                .isEqualTo(dev.aitk.launcher.plan.Phase.LOAD);
    }
}
