package dev.aitk.launcher.plan;

/**
 * Predicts peak GPU memory and step time from a run's structure, fitted to the measured H100 data shipped
 * in the jar (flux-lora-vram-h100.jsonl). Same input, same prediction.
 */
public final class MemoryModel {

    /** The model fitted to the shipped measurements. */
    public static MemoryModel standard() {
        throw new IllegalStateException("the memory model is not fitted in this build");
    }

    public Prediction predict(TrainingSettings settings) {
        throw new IllegalStateException("the memory model is not fitted in this build");
    }
}
