package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Step time: matmul work per sample (linear and quadratic in tokens, plus a dequantization term) fitted on
 * compute-bound rows, combined with a fixed per-step overhead.
 */
final class StepTime {
    /**
     * With checkpointing, each block's recompute launches kernels from Python; that fixed cost overlaps GPU
     * work, so the step is a smooth maximum of the two (a cube-norm fits the measured knee).
     */
    static final double OVERLAP_NORM = 3.0;
    /** Without recomputation a step runs forward + backward (3 forward-equivalents) instead of 4. */
    static final double NO_RECOMPUTE_WORK = 0.75;

    private StepTime() {
    }

    /**
     * With checkpointing: the batch-1 steps give the fixed overhead; steps well above it (1.5x) are
     * compute-bound and fit work = a*t + b*t^2 (+ a dequantization term) per sample by least squares; the
     * overhead is then refined on the overhead-bound rows. Without checkpointing: 3/4 of that work plus a
     * fixed overhead, the mean of what the rows leave over. Returns {a, b, dequant, ckpt overhead, no-ckpt
     * overhead}.
     */
    static double[] fit(List<MeasuredRow> steps) {
        List<Double> batchOne = new ArrayList<>();
        for (MeasuredRow r : steps) {
            if (r.gradientCheckpointing() && r.batchSize() == 1) {
                batchOne.add(r.stepSeconds());
            }
        }
        double overhead = median(batchOne);
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (MeasuredRow r : steps) {
            if (r.gradientCheckpointing() && r.stepSeconds() >= 1.5 * overhead) {
                xs.add(workFeatures(r.batchSize(), r.tokensPerSample() / 1000.0, r.quantized(), 1, 1));
                ys.add(r.stepSeconds());
            }
        }
        double[] yv = new double[ys.size()];
        for (int i = 0; i < yv.length; i++) {
            yv[i] = ys.get(i);
        }
        double[] w = Ols.fit(xs.toArray(new double[0][]), yv);
        double sum = 0;
        int n = 0;
        for (MeasuredRow r : steps) {
            double work = dot(w, workFeatures(r.batchSize(), r.tokensPerSample() / 1000.0, r.quantized(), 1, 1));
            if (r.gradientCheckpointing() && work < overhead) {
                sum += Math.max(0, Math.pow(r.stepSeconds(), OVERLAP_NORM) - Math.pow(work, OVERLAP_NORM));
                n++;
            }
        }
        double ckptOverhead = n == 0 ? overhead : Math.pow(sum / n, 1 / OVERLAP_NORM);
        double offSum = 0;
        int offN = 0;
        for (MeasuredRow r : steps) {
            if (!r.gradientCheckpointing()) {
                double work = dot(w, workFeatures(r.batchSize(), r.tokensPerSample() / 1000.0, r.quantized(), 1, 1));
                offSum += r.stepSeconds() - NO_RECOMPUTE_WORK * work;
                offN++;
            }
        }
        double noCkptOverhead = offN == 0 ? 0 : Math.max(0, offSum / offN);
        return new double[] {w[0], w[1], w[2], ckptOverhead, noCkptOverhead};
    }

    /** Seconds of one step at one resolution. */
    static double seconds(Coefficients c, TrainingSettings s, TransformerShape shape, int res) {
        double kTokens = MemoryModel.tokens(s.model(), res) / 1000.0;
        double work = dot(new double[] {c.secondsPerKiloToken(), c.secondsPerKiloTokenSquared(),
            c.quantSecondsPerKiloToken()},
                workFeatures(s.batchSize(), kTokens, s.quantize(), shape.blockScale(), shape.activationScale()));
        if (s.gradientCheckpointing()) {
            return Math.pow(Math.pow(c.ckptOverheadSeconds(), OVERLAP_NORM) + Math.pow(work, OVERLAP_NORM),
                    1 / OVERLAP_NORM);
        }
        return c.noCkptOverheadSeconds() + NO_RECOMPUTE_WORK * work;
    }

    private static double[] workFeatures(int batch, double kTokens, boolean quantized, double blockScale,
                                         double activationScale) {
        return new double[] {batch * kTokens * blockScale, batch * kTokens * kTokens * activationScale,
            quantized ? batch * kTokens * blockScale : 0};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double median(List<Double> values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        Arrays.sort(v);
        if (v.length == 0) {
            throw new IllegalStateException("the measured data has no batch-1 checkpointed step");
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
