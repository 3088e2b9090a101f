package dev.aitk.launcher.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The planner's answer: the settings, how many steps to accumulate, where it runs, what the model predicts
 * (every phase), how long it trains ({@code schedule}: steps, samples, epochs, total time), the per-GPU budget
 * it was checked against, the host RAM its CPU phases need ({@code hostMemory}), and every choice with its
 * reason. {@code notes} carry what the plan assumed (e.g.
 * GPUs left free). {@code request} is what it was planned from, so a re-plan can start from it.
 */
public record TrainingPlan(
        TrainingSettings settings,
        int gradientAccumulation,
        GpuLayout layout,
        Prediction prediction,
        TrainingSchedule schedule,
        MemoryBudget budget,
        HostMemory hostMemory,
        boolean fits,
        List<Choice> choices,
        List<String> notes,
        @JsonIgnore PlanRequest request) {

    public TrainingPlan {
        choices = List.copyOf(choices);
        notes = List.copyOf(notes);
    }

    /** Samples per optimizer step: batch size x accumulation. */
    public int effectiveBatch() {
        return settings.batchSize() * gradientAccumulation;
    }

    /** The peak beside the usable memory, in the words every stage prints. */
    @JsonProperty("peakFit")
    public PeakFit peakFit() {
        return PeakFit.of(prediction, budget);
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
