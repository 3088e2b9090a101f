package dev.aitk.launcher.plan;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How long the planned run trains: {@code steps} optimizer steps (train.steps) of {@code gradientAccumulation}
 * batches each, {@code samples} images seen (repeats that pad a bucket's last batch not counted),
 * {@code epochs} passes over the dataset at every resolution (null without --dataset), the predicted total
 * training time and the samples per second it comes to. {@code budget} says what was kept constant.
 */
public record TrainingSchedule(int steps, int gradientAccumulation, long samples, Double epochs, double stepSeconds,
                               double totalSeconds, double samplesPerSecond, String budget) {

    /** "1 h 05 min", "12 min", "40 s". */
    @JsonProperty("totalTime")
    public String totalTime() {
        long s = Math.round(totalSeconds);
        if (s < 60) {
            return s + " s";
        }
        long min = Math.round(totalSeconds / 60);
        return min < 60 ? min + " min" : (min / 60) + " h " + (min % 60 < 10 ? "0" : "") + (min % 60) + " min";
    }
}
