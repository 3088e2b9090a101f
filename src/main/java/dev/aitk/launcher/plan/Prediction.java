package dev.aitk.launcher.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the memory model predicts for one {@link TrainingSettings}: memory by phase and speed.
 * {@code memory} is the breakdown of the phase that peaks, {@code peakPhase} its description ("training step",
 * "loading text encoders", "quantizing the transformer", "caching latents and text embeddings"); {@code phases}
 * every phase the run goes through, in ai-toolkit's order.
 *
 * <p>The one basis for "peak" everywhere (plan, launch, validate, diagnose, the OOM re-planner):
 * {@link #peakGib()}, what the training process itself holds at its peak, compared with
 * {@link MemoryBudget#usableGib()} (the card less the CUDA context and the safety margin). {@link PeakFit}
 * says it in one sentence.
 */
public record Prediction(MemoryBreakdown memory, double stepSeconds, double samplesPerSecond, String peakPhase,
                         List<PhasePeak> phases) {

    public Prediction {
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    /** A prediction without a per-phase breakdown (a test's fixed predictor). */
    public Prediction(MemoryBreakdown memory, double stepSeconds, double samplesPerSecond, String peakPhase) {
        this(memory, stepSeconds, samplesPerSecond, peakPhase, List.of());
    }

    /** What the process holds at its peak, GiB: the number to compare with the usable memory. */
    @JsonProperty("peakGib")
    public double peakGib() {
        return memory.processPeakGib();
    }

    /** One phase's prediction, or null when the run does not go through it (e.g. quantizing with low_vram). */
    public PhasePeak phase(Phase phase) {
        for (PhasePeak p : phases) {
            if (p.phase() == phase) {
                return p;
            }
        }
        return null;
    }
}
