package dev.aitk.launcher.plan;

/**
 * A predicted peak beside the memory it must fit in, on the one basis every stage uses: what the training
 * process holds ({@link Prediction#peakGib()}) against the card's usable memory (its total less the CUDA
 * context and the safety margin). plan, launch, validate and diagnose print {@link #sentence()} so the same
 * config on the same card reads the same everywhere.
 */
public record PeakFit(double peakGib, String phase, double usableGib, double cardTotalGib, double cudaContextGib,
                      double marginGib, boolean fits) {

    public static PeakFit of(Prediction prediction, MemoryBudget budget) {
        return new PeakFit(Decimals.round(prediction.peakGib(), 3), prediction.peakPhase(), budget.usableGib(),
                budget.cardTotalGib(), budget.cudaContextGib(), budget.marginGib(), budget.fits(prediction.memory()));
    }

    /** "peak 21.8 GiB (training step) of 22.3 GiB usable (24.0 GiB card - 0.5 GiB CUDA context - 1.2 GiB margin)". */
    public String sentence() {
        boolean capped = cardTotalGib - cudaContextGib - marginGib - usableGib > 0.05;
        return "peak " + gib(peakGib) + " (" + phase + ") of " + gib(usableGib) + " usable (" + gib(cardTotalGib)
                + " card - " + gib(cudaContextGib) + " CUDA context - " + gib(marginGib) + " margin"
                + (capped ? ", less what other processes hold or a re-plan's cap" : "") + ")";
    }

    private static String gib(double v) {
        return Decimals.fixed(v, 1) + " GiB";
    }
}
