package dev.aitk.launcher.plan;

/**
 * The training length a template asks for, as the budget the plan keeps: {@code steps} at
 * {@code samplesPerStep} (its train.batch_size x gradient_accumulation) is {@code steps x samplesPerStep}
 * samples. {@code source} names where it came from, for the reason.
 */
public record StepBaseline(int steps, int samplesPerStep, String source) {
    /** The shipped FLUX.1-dev template's length: 2000 steps at batch 1. */
    public static final StepBaseline DEFAULT = new StepBaseline(2000, 1, "2000 steps at batch 1");

    public StepBaseline {
        if (steps < 1 || samplesPerStep < 1) {
            throw new IllegalArgumentException("a baseline needs at least one step of one sample: " + steps + " x "
                    + samplesPerStep);
        }
    }

    /** A template's train.steps at its batch size and accumulation, named after the template. */
    public static StepBaseline ofTemplate(String template, int steps, int batchSize, int accumulation) {
        return new StepBaseline(steps, batchSize * accumulation, template + "'s " + steps + " steps at batch "
                + batchSize + (accumulation > 1 ? " x " + accumulation + " accumulated" : ""));
    }

    public long samples() {
        return (long) steps * samplesPerStep;
    }
}
