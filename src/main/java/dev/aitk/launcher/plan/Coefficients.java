package dev.aitk.launcher.plan;

/**
 * The memory model's fitted numbers, in GiB, GiB per 1000 tokens and seconds ({@link MeasuredFit} makes
 * them from the measured rows).
 */
record Coefficients(double bf16BytesPerParam, double int8BytesPerParam,
                    double workspaceGib, double loraBytesPerParam, double dequantGib,
                    double ckptGibPerKiloToken, double noCkptGibPerKiloToken,
                    double vaeEncodeGibPerMegapixel,
                    double secondsPerKiloToken, double secondsPerKiloTokenSquared, double quantSecondsPerKiloToken,
                    double ckptOverheadSeconds, double noCkptOverheadSeconds) {
}
