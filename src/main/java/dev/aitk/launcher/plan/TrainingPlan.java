package dev.aitk.launcher.plan;

import java.util.List;

/**
 * The planner's answer: the settings, how many steps to accumulate, where it runs, what the model predicts,
 * the per-GPU budget it was checked against, and every choice with its reason. {@code notes} carry what the
 * plan assumed (e.g. GPUs left free).
 */
public record TrainingPlan(
        TrainingSettings settings,
        int gradientAccumulation,
        GpuLayout layout,
        Prediction prediction,
        MemoryBudget budget,
        boolean fits,
        List<Choice> choices,
        List<String> notes) {

    public TrainingPlan {
        choices = List.copyOf(choices);
        notes = List.copyOf(notes);
    }

    /** Samples per optimizer step: batch size x accumulation. */
    public int effectiveBatch() {
        return settings.batchSize() * gradientAccumulation;
    }

    /** The choice for a key path, or null. */
    public Choice choice(String key) {
        for (Choice c : choices) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }
}
