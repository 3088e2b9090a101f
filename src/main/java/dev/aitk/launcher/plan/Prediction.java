package dev.aitk.launcher.plan;

/**
 * What the memory model predicts for one {@link TrainingSettings}: peak memory by part and speed.
 * {@code peakPhase} names when the peak happens ("training step", "loading text encoders", "quantizing the
 * transformer"); the breakdown is that phase's.
 */
public record Prediction(MemoryBreakdown memory, double stepSeconds, double samplesPerSecond, String peakPhase) {
}
