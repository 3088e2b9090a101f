package dev.aitk.launcher.launch;

import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.TrainingPlan;
import java.util.function.Function;

/**
 * What a planned job needs to be re-planned after an out-of-memory: the plan it starts with, the request that
 * made it, and how to render a config from another plan (same template, {@code config.name},
 * {@code training_folder} and --set overrides, so run.py resumes from its newest checkpoint).
 */
public record Replanning(TrainingPlan plan, PlanRequest request, Function<TrainingPlan, String> rerender) {
}
