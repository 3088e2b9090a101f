package dev.aitk.launcher.plan;

/**
 * How much of a card a training process may use: the card's total minus the CUDA context minus a stated
 * safety margin. The plan prints all three.
 */
public record MemoryBudget(double cardTotalGib, double cudaContextGib, double marginGib, double usableGib) {
}
