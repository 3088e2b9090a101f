package dev.aitk.launcher.plan;

/**
 * How much of a card a training process may use: the card's total minus the CUDA context minus a stated
 * safety margin. The plan prints all three.
 */
public record MemoryBudget(double cardTotalGib, double cudaContextGib, double marginGib, double usableGib) {

    /** What the CUDA context (driver, cuBLAS handles) takes on top of PyTorch's allocations. */
    public static final double CUDA_CONTEXT_GIB = 0.5;
    /**
     * The memory model fits every measured row within 3%; 5% of the card (at least 0.5 GiB) also covers
     * allocator fragmentation the rows did not see.
     */
    public static final double MARGIN_FRACTION = 0.05;
    public static final double MIN_MARGIN_GIB = 0.5;

    /** The budget of a card with {@code cardTotalGib} of memory. */
    public static MemoryBudget forCard(double cardTotalGib) {
        if (!(cardTotalGib > 0)) {
            throw new IllegalArgumentException("a card needs more than 0 GiB of memory: " + cardTotalGib);
        }
        double margin = Decimals.round(Math.max(MIN_MARGIN_GIB, MARGIN_FRACTION * cardTotalGib), 2);
        return new MemoryBudget(cardTotalGib, CUDA_CONTEXT_GIB, margin,
                Decimals.round(Math.max(0, cardTotalGib - CUDA_CONTEXT_GIB - margin), 3));
    }

    /** The same card with the process capped at {@code capGib} (a re-plan after an out-of-memory failure). */
    public MemoryBudget cappedAt(double capGib) {
        return capGib >= usableGib ? this : new MemoryBudget(cardTotalGib, cudaContextGib, marginGib, Math.max(0, capGib));
    }

    /** Whether a predicted peak fits this budget. */
    public boolean fits(MemoryBreakdown memory) {
        return memory.processPeakGib() <= usableGib + 1e-9;
    }
}
