package dev.aitk.launcher.plan;

/** What the memory model predicts for one {@link TrainingSettings}: peak memory by part and speed. */
public record Prediction(MemoryBreakdown memory, double stepSeconds, double samplesPerSecond) {
}
