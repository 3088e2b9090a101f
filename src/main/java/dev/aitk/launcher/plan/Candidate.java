package dev.aitk.launcher.plan;

import java.util.List;

/**
 * One evaluated setting of the search. {@code fits} false means it is the closest miss (lowest peak) found;
 * {@code alternatives} is what it was compared against, for the reasons.
 */
record Candidate(TrainingSettings settings, Prediction prediction, boolean fits, Alternatives alternatives) {

    /** The settings the choice beat or could not have, each with its prediction. */
    record Alternatives(Prediction otherCheckpointing, int otherCheckpointingBatch, int largestFitBatch,
                        double largestFitSamplesPerSecond, int firstMissBatch, Prediction firstMiss,
                        Prediction largerResolution, List<Integer> largerResolutions, Prediction bf16Closest) {

        Alternatives withResolution(Prediction larger, List<Integer> largerList, Prediction bf16) {
            return new Alternatives(otherCheckpointing, otherCheckpointingBatch, largestFitBatch,
                    largestFitSamplesPerSecond, firstMissBatch, firstMiss, larger, largerList, bf16);
        }
    }
}
