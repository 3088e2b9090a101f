package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the batch size, checkpointing, quantization and resolutions are chosen: for one GPU budget, every
 * combination the pins allow is predicted, and the one with the most samples per second whose peak fits wins
 * (for the largest resolution list that fits at all). Start-up knobs (low_vram, an 8-bit T5) are switched on
 * only when a setting needs them, since they cost no training speed.
 */
final class SettingsSearch {
    static final int MAX_BATCH = 64;
    /** A plan within 1% of the fastest is as fast; ties go to checkpointing on, bf16, smaller batches. */
    static final double TIE = 0.99;
    static final String QTYPE = "qfloat8";
    /**
     * With layer_offloading ai-toolkit replaces qfloat8 by torchao's float8 (toolkit/config_modules.py
     * ModelConfig: "if self.layer_offloading and self.qtype == 'qfloat8': self.qtype = 'float8'"), so the plan
     * says float8 itself.
     */
    static final String OFFLOAD_QTYPE = "float8";
    /** model.layer_offloading_transformer_percent values tried, least offloading (least slowdown) first. */
    static final double[] OFFLOAD_SHARES = {0.25, 0.5, 0.75, 1.0};
    /**
     * Checkpointing goes off only when that is predicted at least 5% faster: without it activations grow ~15x
     * faster per sample, so a prediction error becomes an out-of-memory failure instead of a slowdown.
     */
    static final double CHECKPOINTING_OFF_GAIN = 1.05;

    private final MemoryModel model;

    SettingsSearch(MemoryModel model) {
        this.model = model;
    }

    static List<List<Integer>> resolutionLists(PlanRequest r) {
        if (r.resolutionsPx() != null) {
            return List.of(r.resolutionsPx());
        }
        // ai-toolkit's Kontext example trains at 512 and 768: the control image doubles the tokens.
        List<Integer> full = r.model() == ModelVariant.KONTEXT ? List.of(512, 768) : List.of(512, 768, 1024);
        List<List<Integer>> lists = new ArrayList<>();
        for (int n = full.size(); n >= 1; n--) {
            lists.add(full.subList(0, n));
        }
        return lists;
    }

    /** The fastest fitting setting for the largest resolution list that fits; else the closest miss. */
    Candidate search(PlanRequest r, MemoryBudget budget, int splitGpus) {
        Candidate closest = null;
        List<List<Integer>> lists = resolutionLists(r);
        Prediction largerResolution = null;
        List<Integer> larger = null;
        for (List<Integer> res : lists) {
            Candidate best = null;
            Prediction bf16Closest = null;
            for (boolean quantize : r.quantize() == null ? new boolean[] {false, true} : new boolean[] {r.quantize()}) {
                Candidate c = bestFor(r, res, quantize, budget, splitGpus);
                if (!quantize && !c.fits()) {
                    bf16Closest = c.prediction();
                }
                if (c.fits() && (best == null || rate(r, c) > rate(r, best) / TIE)) {
                    best = c;
                }
                if (!c.fits() && (closest == null || c.prediction().memory().totalGib()
                        < closest.prediction().memory().totalGib())) {
                    closest = c;
                }
            }
            if (best != null) {
                return new Candidate(best.settings(), best.prediction(), true,
                        best.alternatives().withResolution(largerResolution, larger, bf16Closest));
            }
            largerResolution = closest == null ? null : closest.prediction();
            larger = res;
        }
        return closest;
    }

    /** Best batch and checkpointing for one resolution list and precision. */
    private Candidate bestFor(PlanRequest r, List<Integer> res, boolean quantize, MemoryBudget budget, int splitGpus) {
        Candidate[] chosen = new Candidate[2];
        Candidate[] largest = new Candidate[2];
        Candidate[] miss = new Candidate[2];
        Candidate closest = null;
        boolean[] ckpts = r.gradientCheckpointing() == null ? new boolean[] {true, false}
                : new boolean[] {r.gradientCheckpointing()};
        for (boolean ckpt : ckpts) {
            int k = ckpt ? 0 : 1;
            for (int batch : batches(r, res)) {
                // Start-up knobs cost no training speed: try without them, then low_vram (quantized FLUX.1 runs only;
                // FLUX.2 keeps the transformer on the CPU while its text encoder loads), then an 8-bit text
                // encoder, then both. Layer offloading costs speed, so FLUX.2 tries it only when nothing else fits.
                TrainingSettings s = null;
                Prediction p = null;
                boolean flux2 = r.model().isFlux2();
                int knobCount = 4 + (flux2 ? OFFLOAD_SHARES.length : 0);
                for (int knobs = 0; knobs < knobCount; knobs++) {
                    boolean lowVram = knobs >= 4 || (knobs & 1) != 0;
                    boolean quantizeTe = knobs >= 4 || (knobs & 2) != 0;
                    double offload = knobs >= 4 ? OFFLOAD_SHARES[knobs - 4] : 0;
                    if (lowVram && !quantize && !flux2) {
                        continue;
                    }
                    s = settings(r, res, quantize, ckpt, batch, lowVram, quantizeTe, offload);
                    p = model.predict(s, budget, splitGpus);
                    if (fits(r, budget, p)) {
                        break;
                    }
                }
                Candidate c = new Candidate(s, p, fits(r, budget, p), null);
                if (!c.fits()) {
                    if (closest == null || p.memory().totalGib() < closest.prediction().memory().totalGib()) {
                        closest = c;
                    }
                    miss[k] = c;
                    // Memory grows with the batch: no larger batch fits either.
                    break;
                }
                largest[k] = c;
                if (chosen[k] == null || rate(r, c) * TIE > rate(r, chosen[k])) {
                    chosen[k] = c;
                }
            }
        }
        if (chosen[0] == null && chosen[1] == null) {
            return closest;
        }
        boolean pickOff = chosen[0] == null || (chosen[1] != null
                && rate(r, chosen[1]) >= CHECKPOINTING_OFF_GAIN * rate(r, chosen[0]));
        int k = pickOff ? 1 : 0;
        Candidate other = chosen[1 - k];
        Candidate.Alternatives a = new Candidate.Alternatives(other == null ? null : other.prediction(),
                other == null ? 0 : other.settings().batchSize(),
                largest[k].settings().batchSize(), largest[k].prediction().samplesPerSecond(),
                miss[k] == null ? 0 : miss[k].settings().batchSize(), miss[k] == null ? null : miss[k].prediction(),
                null, null, null);
        return new Candidate(chosen[k].settings(), chosen[k].prediction(), true, a);
    }

    /** Whether a prediction fits the budget in every phase and keeps under what an out-of-memory failure capped. */
    static boolean fits(PlanRequest r, MemoryBudget budget, Prediction p) {
        return budget.fits(p.memory()) && r.oomLimits().allows(p);
    }

    /** New samples per second for the request's budget: what "fastest" means. */
    private static double rate(PlanRequest r, Candidate c) {
        return TrainingBudget.rate(r, c.settings(), c.prediction());
    }

    /** The batches to try: up to the pinned effective batch, an OOM's cap and the smallest useful bucket. */
    private static List<Integer> batches(PlanRequest r, List<Integer> res) {
        List<Integer> out = new ArrayList<>();
        if (r.batchSize() != null) {
            out.add(r.batchSize());
            return out;
        }
        int max = r.effectiveBatch() == null ? MAX_BATCH : Math.min(MAX_BATCH, r.effectiveBatch());
        if (r.oomLimits().maxBatch() != null) {
            max = Math.min(max, r.oomLimits().maxBatch());
        }
        DatasetShape.SmallestBucket cap = smallestBucket(r, res);
        if (cap != null) {
            max = Math.min(max, cap.images());
        }
        for (int b = 1; b <= max; b++) {
            if (r.effectiveBatch() == null || r.effectiveBatch() % b == 0) {
                out.add(b);
            }
        }
        return out;
    }

    /** The bucket that caps the batch at these resolutions, or null without a dataset. */
    static DatasetShape.SmallestBucket smallestBucket(PlanRequest r, List<Integer> res) {
        return r.dataset() == null ? null : r.dataset().smallestUsefulBucket(res, r.model().bucketDivisibility());
    }

    private static TrainingSettings settings(PlanRequest r, List<Integer> res, boolean quantize, boolean ckpt,
                                             int batch, boolean lowVram, boolean quantizeTe, double offload) {
        return new TrainingSettings(r.model(), r.shapeOrDefault(), batch, res,
                r.rank() == null ? PlanRequest.DEFAULT_RANK : r.rank(),
                r.optimizer() == null ? PlanRequest.DEFAULT_OPTIMIZER : r.optimizer().toLowerCase(Locale.ROOT),
                quantize, offload > 0 ? OFFLOAD_QTYPE : QTYPE, quantizeTe, ckpt, true,
                r.model().samplesWithCachedTextEmbeddings(), false, lowVram, offload);
    }
}
