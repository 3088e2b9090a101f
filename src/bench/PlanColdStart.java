import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.HostInfo;
import dev.aitk.launcher.hardware.Source;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.util.Json;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of each part of a cold `plan --gpu-memory 80GB --gpus 2 --json`, in a fresh JVM: fitting the
 * memory model from the shipped rows, the first plan, building the JSON mapper, writing the plan. Run it
 * several times and take the median (see docs/benchmarks.md, section "plan"):
 *
 *   mvn -q -B -DskipTests package
 *   for i in 1 2 3 4 5; do java -cp target/aitk-launcher.jar src/bench/PlanColdStart.java; done
 */
public final class PlanColdStart {
    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        List<GpuInfo> gpus = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            gpus.add(new GpuInfo(i, "bench", null, 81920L, 0L, 81920L, null, null, null, Source.FLAGS));
        }
        GpuInventory inventory = new GpuInventory(gpus, Source.FLAGS, new HostInfo("Linux", null, null, Source.NONE),
                List.of());
        long t0 = cpuNanos();
        MemoryModel model = MemoryModel.standard();
        long t1 = cpuNanos();
        TrainingPlan plan = new Planner(model).plan(inventory, PlanRequest.of(ModelVariant.DEV));
        long t2 = cpuNanos();
        Json.mapper();
        long t3 = cpuNanos();
        String json = Json.write(plan);
        long t4 = cpuNanos();
        System.out.printf("fit %.1f ms | first plan %.1f ms | JSON mapper %.1f ms | first JSON write %.1f ms (%d chars)%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, json.length());
    }
}
