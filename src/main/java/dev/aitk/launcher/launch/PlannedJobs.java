package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.Choice;
import dev.aitk.launcher.plan.GpuLayout;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan stage's {@link TrainingPlan} as launch jobs: the GPU layout decides how many run.py processes and
 * which GPUs each sees, and every choice becomes a setting in each job's config, with the planner's reason.
 */
public final class PlannedJobs implements JobPlanner {
    private final Planner planner;

    public PlannedJobs(Planner planner) {
        this.planner = planner;
    }

    @Override
    public JobPlan plan(GpuInventory inventory, PlanRequest request) {
        TrainingPlan plan = planner.plan(inventory, request);
        JobPlan jobs = toJobs(plan);
        return new JobPlan(jobs.jobs(), jobs.notes(), plan, request);
    }

    /** One job per GPU for ONE_JOB_PER_GPU (names suffixed _gpuN); otherwise one job on the layout's GPUs. */
    public static JobPlan toJobs(TrainingPlan plan) {
        List<Setting> settings = new ArrayList<>();
        for (Choice c : plan.choices()) {
            settings.add(Setting.plan(c.key(), c.value(), c.pinned() ? c.reason() + " (pinned by a flag)" : c.reason()));
        }
        GpuLayout layout = plan.layout();
        List<PlannedJob> jobs = new ArrayList<>();
        if (layout.mode() == GpuLayout.Mode.ONE_JOB_PER_GPU) {
            for (int gpu : layout.gpuIndices()) {
                jobs.add(new PlannedJob("_gpu" + gpu, List.of(gpu), settings));
            }
        } else {
            jobs.add(new PlannedJob("", layout.gpuIndices(), settings));
        }
        List<String> notes = new ArrayList<>();
        String mode = switch (layout.mode()) {
            case SINGLE_GPU -> "one job on GPU ";
            case SPLIT_MODEL -> "one job, model split over GPUs ";
            case ONE_JOB_PER_GPU -> "one job per GPU on GPUs ";
        };
        notes.add(mode + layout.cudaVisibleDevices() + ": " + layout.reason());
        notes.add(plan.peakFit().sentence() + String.format(Locale.ROOT, "; %.2f samples/s, %s for %d steps",
                plan.schedule().samplesPerSecond(), plan.schedule().totalTime(), plan.schedule().steps()));
        notes.addAll(plan.notes());
        return new JobPlan(jobs, notes);
    }
}
