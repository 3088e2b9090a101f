package dev.aitk.launcher.plan;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an out-of-memory failure says against the next plan: the batch may not grow ({@code maxBatch}, null:
 * no limit) and each failed phase must peak below its cap (GiB of process memory). A training-step OOM caps
 * only the training step: the load and quantize phases it got past are no evidence against them.
 */
public record OomLimits(Integer maxBatch, Map<Phase, Double> phaseCapsGib) {
    public static final OomLimits NONE = new OomLimits(null, Map.of());

    public OomLimits {
        phaseCapsGib = phaseCapsGib == null ? Map.of() : Map.copyOf(phaseCapsGib);
        if (maxBatch != null && maxBatch < 1) {
            throw new IllegalArgumentException("a batch cap must be at least 1: " + maxBatch);
        }
    }

    /** These limits with {@code phase} capped at {@code capGib} (the lower cap wins). */
    public OomLimits withPhaseCap(Phase phase, double capGib) {
        Map<Phase, Double> caps = new TreeMap<>(phaseCapsGib);
        caps.merge(phase, capGib, Math::min);
        return new OomLimits(maxBatch, caps);
    }

    /** These limits with the batch at most {@code batch} (the lower cap wins). */
    public OomLimits withMaxBatch(int batch) {
        return new OomLimits(maxBatch == null ? batch : Math.min(maxBatch, batch), phaseCapsGib);
    }

    /** Whether {@code prediction} keeps every capped phase under its cap. */
    public boolean allows(Prediction prediction) {
        for (Map.Entry<Phase, Double> cap : phaseCapsGib.entrySet()) {
            PhasePeak p = prediction.phase(cap.getKey());
            if (p != null && p.peakGib() > cap.getValue() + 1e-9) {
                return false;
            }
        }
        return true;
    }
}
