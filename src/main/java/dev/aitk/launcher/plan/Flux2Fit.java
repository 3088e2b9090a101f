package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The FLUX.2 transformer's step memory and time, fitted at start-up to the H200 rows shipped in the jar
 * (flux2-klein-lora-vram-h200.jsonl: klein 4B and 9B, a few FLUX.2-dev; docs/benchmarks.md says how they were
 * taken). The features are structural, as the rows show them: with checkpointing a step keeps
 * {@code hidden x (2 x blocks + 99)} bytes per token (every block's bf16 input plus one block's recomputed
 * activations), without it {@code 61 x hidden x blocks}; reference-image tokens cost what target and text
 * tokens cost. So one fit sizes every FLUX.2 shape, and 9B and dev check the 4B-dominated fit.
 */
final class Flux2Fit {
    /**
     * Reserved memory exceeds the least-squares line by up to 9 % at large batches (allocator fragmentation),
     * so activations get 12 % more: the prediction then stays at or above every measured reference-image step.
     */
    static final double FRAGMENTATION = 1.12;

    /**
     * Fitted numbers: bytes per parameter (bf16, fp8), GiB constants and scales, bf16 step-time terms per
     * checkpointing mode, and the seconds 8-bit weights add to a step per billion block parameters.
     */
    record Coefficients(double bf16BytesPerParam, double fp8BytesPerParam, double workspaceGib, double ckptScale,
                        double noCkptScale, double dequantGib, double[] ckptSeconds, double[] noCkptSeconds,
                        double dequantSecondsPerBillion, int rows) {
    }

    private Flux2Fit() {
    }

    static Coefficients fit(List<MeasuredRow> rows, double loraBytesPerParam) {
        double bf16 = bytesPerParam(rows, "bf16");
        double fp8 = bytesPerParam(rows, "fp8");
        List<double[]> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        List<double[]> tx0 = new ArrayList<>();
        List<Double> ty0 = new ArrayList<>();
        List<double[]> tx1 = new ArrayList<>();
        List<Double> ty1 = new ArrayList<>();
        for (MeasuredRow r : rows) {
            if (!r.isStep() || r.rank() != PlanRequest.DEFAULT_RANK || !r.aiToolkitImpl()) {
                continue;
            }
            TransformerShape shape = shape(r);
            double bt = (double) r.batchSize() * r.tokensPerSample();
            boolean fp8Row = r.quantized();
            x.add(new double[] {1, r.gradientCheckpointing() ? ckptFeature(shape, bt) : 0,
                r.gradientCheckpointing() ? 0 : noCkptFeature(shape, bt), fp8Row ? 1 : 0});
            y.add(r.peakReservedGib() - shape.baseParams() * (fp8Row ? fp8 : bf16) / MemoryModel.GIB
                    - shape.loraParams(r.rank()) * loraBytesPerParam / MemoryModel.GIB);
            if (!fp8Row) {
                (r.gradientCheckpointing() ? tx0 : tx1).add(timeFeatures(shape, r.batchSize(), r.tokensPerSample()));
                (r.gradientCheckpointing() ? ty0 : ty1).add(r.stepSeconds());
            }
        }
        double[] m = Ols.fit(x.toArray(new double[0][]), unbox(y));
        return new Coefficients(bf16, fp8, m[0], m[1], m[2], m[3], Ols.fit(tx0.toArray(new double[0][]), unbox(ty0)),
                Ols.fit(tx1.toArray(new double[0][]), unbox(ty1)), dequantSecondsPerBillion(rows), y.size());
    }

    /**
     * What 8-bit weights add to a step, from the measured pairs (the same model, batch and tokens in fp8 and
     * bf16): about the same seconds at every batch and size for one model, growing with its parameter count
     * (klein 4B +0.03 s, 9B +0.08 s, FLUX.2-dev +0.3 s on the H200): dequantizing each weight once per pass
     * costs per weight, not per token. So seconds per billion block parameters, averaged over the pairs.
     */
    private static double dequantSecondsPerBillion(List<MeasuredRow> rows) {
        Map<String, MeasuredRow> bf16 = new HashMap<>();
        for (MeasuredRow r : rows) {
            if (r.isStep() && r.aiToolkitImpl() && !r.quantized()) {
                bf16.put(pairKey(r), r);
            }
        }
        double sum = 0;
        int n = 0;
        for (MeasuredRow r : rows) {
            MeasuredRow twin = r.isStep() && r.aiToolkitImpl() && r.quantized() ? bf16.get(pairKey(r)) : null;
            if (twin != null) {
                sum += (r.stepSeconds() - twin.stepSeconds()) / (shape(r).blockParams() / 1e9);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("the FLUX.2 data has no fp8 step with a bf16 twin");
        }
        return Math.max(0, sum / n);
    }

    private static String pairKey(MeasuredRow r) {
        return r.variant() + "/" + r.rank() + "/" + r.batchSize() + "/" + r.tokensPerSample() + "/"
                + r.gradientCheckpointing();
    }

    /** GiB per sample step of activations, before {@link #FRAGMENTATION}: batch x tokens in the structural feature. */
    static double activationsGib(Coefficients c, TransformerShape shape, double batchTokens, boolean checkpointing) {
        return checkpointing ? c.ckptScale() * ckptFeature(shape, batchTokens)
                : c.noCkptScale() * noCkptFeature(shape, batchTokens);
    }

    static double stepSeconds(Coefficients c, TransformerShape shape, int batch, int tokens, boolean quantized,
                              boolean checkpointing) {
        double[] w = checkpointing ? c.ckptSeconds() : c.noCkptSeconds();
        double[] f = timeFeatures(shape, batch, tokens);
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * f[i];
        }
        // 8-bit without checkpointing was not measured: the pairs' cost (three passes) is kept, on the safe side.
        return Math.max(s, w[0]) + (quantized ? c.dequantSecondsPerBillion() * shape.blockParams() / 1e9 : 0);
    }

    private static double ckptFeature(TransformerShape s, double batchTokens) {
        return batchTokens * s.hiddenSize() * (2.0 * (s.numLayers() + s.numSingleLayers()) + 99) / MemoryModel.GIB;
    }

    private static double noCkptFeature(TransformerShape s, double batchTokens) {
        return batchTokens * 61.0 * s.hiddenSize() * (s.numLayers() + s.numSingleLayers()) / MemoryModel.GIB;
    }

    /** A bf16 step: overhead; matmul work (tokens x block parameters); attention (tokens^2 x width x blocks). */
    private static double[] timeFeatures(TransformerShape s, int batch, int tokens) {
        double work = (double) batch * tokens * s.blockParams() / 1e12;
        double attention = (double) batch * tokens * tokens * s.hiddenSize() * (s.numLayers() + s.numSingleLayers()) / 1e12;
        return new double[] {1, work, attention};
    }

    private static double bytesPerParam(List<MeasuredRow> rows, String precision) {
        double sum = 0;
        int n = 0;
        for (MeasuredRow r : rows) {
            if ("model".equals(r.kind()) && precision.equals(r.precision()) && r.aiToolkitImpl()) {
                sum += (r.residentGib() * MemoryModel.GIB - MemoryModel.LORA_WEIGHT_BYTES * r.loraParams())
                        / shape(r).baseParams();
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("the FLUX.2 data has no '" + precision + "' model row");
        }
        return sum / n;
    }

    private static TransformerShape shape(MeasuredRow r) {
        return TransformerShape.defaultFor(ModelVariant.parse(r.variant()));
    }

    private static double[] unbox(List<Double> v) {
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }
}
