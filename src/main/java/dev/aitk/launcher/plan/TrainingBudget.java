package dev.aitk.launcher.plan;

import java.util.List;

/**
 * What the user asked to train, kept constant whatever batch the plan picks: samples seen (--steps at the
 * pinned samples per step, or the template's steps at its batch) or passes over the dataset (--epochs).
 * "Fastest" is then the least total time for that budget, so a larger batch wins only when it really
 * trains the same samples sooner. With the dataset's buckets known, the repeats that pad a bucket's last
 * batch are not counted as samples, since they teach nothing new.
 */
final class TrainingBudget {
    private TrainingBudget() {
    }

    /** Samples the run must see at these resolutions. */
    static long samples(PlanRequest r, List<Integer> resolutions) {
        if (r.epochs() != null) {
            return r.epochs() * r.dataset().samplesPerEpoch(resolutions);
        }
        if (r.steps() != null) {
            return (long) r.steps() * pinnedSamplesPerStep(r);
        }
        return r.baseline().samples();
    }

    static String source(PlanRequest r, List<Integer> resolutions) {
        if (r.epochs() != null) {
            return r.epochs() + " epoch" + (r.epochs() == 1 ? "" : "s") + " (--epochs) over " + r.dataset().images()
                    + " images at " + resolutions.size() + " resolution" + (resolutions.size() == 1 ? "" : "s");
        }
        if (r.steps() != null) {
            return "--steps " + r.steps() + " at " + (r.effectiveBatch() != null ? "effective batch " + r.effectiveBatch()
                    : "batch " + (r.batchSize() == null ? 1 : r.batchSize()));
        }
        return r.baseline().source();
    }

    private static int pinnedSamplesPerStep(PlanRequest r) {
        if (r.effectiveBatch() != null) {
            return r.effectiveBatch();
        }
        return r.batchSize() == null ? 1 : r.batchSize();
    }

    /** New samples one batch brings: the batch size, less the repeats that pad short buckets. */
    static double samplesPerBatch(PlanRequest r, TrainingSettings s) {
        if (r.dataset() == null) {
            return s.batchSize();
        }
        int divisibility = s.model().bucketDivisibility();
        return (double) r.dataset().samplesPerEpoch(s.resolutionsPx())
                / r.dataset().batchesPerEpoch(s.resolutionsPx(), divisibility, s.batchSize());
    }

    /** New samples per second: what "fastest" compares. */
    static double rate(PlanRequest r, TrainingSettings s, Prediction p) {
        return samplesPerBatch(r, s) / p.stepSeconds();
    }

    static TrainingSchedule schedule(PlanRequest r, TrainingSettings s, Prediction p, int accumulation) {
        long samples = samples(r, s.resolutionsPx());
        double perBatch = samplesPerBatch(r, s);
        boolean stepsAsAsked = r.steps() != null && r.epochs() == null
                && (r.batchSize() != null || r.effectiveBatch() != null);
        int steps = stepsAsAsked ? r.steps()
                : (int) Math.max(1, Math.ceil(samples / (accumulation * perBatch) - 1e-9));
        long seen = Math.round(steps * accumulation * perBatch);
        Double epochs = r.dataset() == null ? null
                : Decimals.round((double) seen / r.dataset().samplesPerEpoch(s.resolutionsPx()), 2);
        double total = steps * accumulation * p.stepSeconds();
        return new TrainingSchedule(steps, accumulation, seen, epochs, p.stepSeconds(), Decimals.round(total, 1),
                Decimals.round(seen / total, 4), source(r, s.resolutionsPx()));
    }
}
