package dev.aitk.launcher.plan;

/** Predicted peak GPU memory of one training process, by part, in GiB; {@code totalGib} is their sum. */
public record MemoryBreakdown(
        double transformerWeightsGib,
        double loraAndOptimizerGib,
        double activationsGib,
        double textEncodersGib,
        double vaeGib,
        double cudaContextGib,
        double marginGib,
        double totalGib) {
}
