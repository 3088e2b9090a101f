package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits the memory model's coefficients to measured rows (closed-form least squares; a few microseconds):
 * bytes per parameter per precision from the {@code model} rows; one ordinary least-squares fit over every
 * {@code step} row of a constant (workspaces), the LoRA's bytes per trainable parameter, a constant for
 * dequantized 8-bit weights, and activations linear in batch x tokens with separate slopes for checkpointing
 * on and off; the VAE's encode peak per megapixel from the {@code vae_encode} rows; step time by
 * {@link StepTime}.
 */
final class MeasuredFit {
    private MeasuredFit() {
    }

    static Coefficients fit(List<MeasuredRow> rows) {
        long devParams = TransformerShape.FLUX_DEV.baseParams();
        double bf16 = meanBytesPerParam(rows, "bf16", devParams);
        double int8 = meanBytesPerParam(rows, "fp8", devParams);

        List<MeasuredRow> steps = new ArrayList<>();
        for (MeasuredRow r : rows) {
            if (r.isStep()) {
                steps.add(r);
            }
        }
        double[][] x = new double[steps.size()][];
        double[] y = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            MeasuredRow r = steps.get(i);
            double kTok = r.batchSize() * r.tokensPerSample() / 1000.0;
            double lora = TransformerShape.FLUX_DEV.loraParams(r.rank()) / MemoryModel.GIB;
            x[i] = new double[] {1, lora, r.quantized() ? 1 : 0,
                r.gradientCheckpointing() ? kTok : 0, r.gradientCheckpointing() ? 0 : kTok};
            y[i] = r.peakReservedGib() - devParams * (r.quantized() ? int8 : bf16) / MemoryModel.GIB;
        }
        double[] mem = Ols.fit(x, y);

        double sxy = 0;
        double sxx = 0;
        for (MeasuredRow r : rows) {
            if ("vae_encode".equals(r.kind())) {
                double mpx = r.batchSize() * r.resolutionPx() * (double) r.resolutionPx() / 1e6;
                sxy += mpx * r.extraPeakGib();
                sxx += mpx * mpx;
            }
        }
        double vae = sxx == 0 ? 0 : sxy / sxx;

        double[] time = StepTime.fit(steps);
        return new Coefficients(bf16, int8, mem[0], mem[1], mem[2], mem[3], mem[4], vae,
                time[0], time[1], time[2], time[3], time[4]);
    }

    private static double meanBytesPerParam(List<MeasuredRow> rows, String precision, long params) {
        double sum = 0;
        int n = 0;
        for (MeasuredRow r : rows) {
            if ("model".equals(r.kind()) && precision.equals(r.precision())) {
                sum += (r.residentGib() * MemoryModel.GIB - MemoryModel.LORA_WEIGHT_BYTES * r.loraParams()) / params;
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("the measured data has no '" + precision + "' model row");
        }
        return sum / n;
    }
}
