package dev.aitk.launcher.plan;

/**
 * One phase's predicted memory on the fullest GPU: the breakdown (with the budget's CUDA context and margin)
 * and {@code peakGib}, what the process itself holds then (the breakdown's total less context and margin),
 * the figure compared with the budget's usable memory.
 */
public record PhasePeak(Phase phase, String description, MemoryBreakdown memory, double peakGib) {

    public static PhasePeak of(Phase phase, MemoryBreakdown memory) {
        return new PhasePeak(phase, phase.description(), memory, Decimals.round(memory.processPeakGib(), 3));
    }
}
