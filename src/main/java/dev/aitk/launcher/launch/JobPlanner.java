package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.TrainingPlan;
import java.util.List;

/**
 * The plan step of the launch pipeline: which jobs run on which GPUs, and the settings the plan puts into
 * each job's config (each with its reason). {@link PlannedJobs} asks the plan stage; tests pass their own.
 */
public interface JobPlanner {

    /** The jobs {@code request} plans for {@code inventory}. */
    JobPlan plan(GpuInventory inventory, PlanRequest request);

    /**
     * The jobs to run and what the planner wants the user to know; {@code plan} and {@code request} (null when
     * no plan stage is behind it) let an out-of-memory run be re-planned smaller.
     */
    record JobPlan(List<PlannedJob> jobs, List<String> notes, TrainingPlan plan, PlanRequest request) {
        public JobPlan {
            jobs = List.copyOf(jobs);
            notes = List.copyOf(notes);
        }

        public JobPlan(List<PlannedJob> jobs, List<String> notes) {
            this(jobs, notes, null, null);
        }
    }

    /**
     * One run.py process: the GPUs it sees (nvidia-smi indices) and the plan's settings for its config.
     * {@code nameSuffix} tells jobs of one launch apart (empty for a single job).
     */
    record PlannedJob(String nameSuffix, List<Integer> gpuIndices, List<Setting> settings) {
        public PlannedJob {
            gpuIndices = List.copyOf(gpuIndices);
            settings = List.copyOf(settings);
        }
    }
}
