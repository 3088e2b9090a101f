package dev.aitk.launcher.launch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;

import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.SupervisorListener;
import static org.assertj.core.api.Assertions.assertThat;

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
class PlanningReplannerTest {
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
        PlanningReplanner.ConfigWriter writer = (failed, plan, attempt) -> {
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
                FakeToolkit.recovery(new PlanningReplanner(planner, inventory, request, first, writer)));

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
        PlanningReplanner replanner = new PlanningReplanner(planner, inventory, request, first,
                (failed, plan, attempt) -> tmp.resolve("never.yaml"));
        RunSpec spec = new RunSpec("x", List.of("python", "run.py", "c.yaml"), tmp, Map.of(), tmp, null, tmp,
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
}
