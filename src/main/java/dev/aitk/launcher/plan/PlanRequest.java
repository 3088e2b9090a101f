package dev.aitk.launcher.plan;

import java.util.List;

/**
 * What the user wants planned. Null fields are the planner's to choose; non-null ones are pinned.
 * {@code shape} null means the variant's published shape. The training budget: {@code steps} (--steps, at the
 * pinned samples per step or 1) or {@code epochs} (--epochs, passes over {@code dataset}), else the template's
 * {@code baseline}; the plan keeps those samples and scales train.steps with the batch it picks.
 * {@code memoryCapGib} caps each GPU's process peak in every phase; {@code oomLimits} (a re-plan after an
 * out-of-memory failure) caps the phase that failed and the batch. {@code jobs} is how many independent jobs
 * share the GPUs; {@code dataset} (when known) caps the batch by its buckets and counts the epochs.
 */
public record PlanRequest(
        ModelVariant model,
        TransformerShape shape,
        List<Integer> resolutionsPx,
        Integer batchSize,
        Boolean quantize,
        Boolean gradientCheckpointing,
        Integer rank,
        String optimizer,
        Integer effectiveBatch,
        Integer steps,
        Integer epochs,
        StepBaseline baseline,
        Double memoryCapGib,
        int jobs,
        DatasetShape dataset,
        OomLimits oomLimits) {

    public static final int DEFAULT_RANK = 16;
    public static final String DEFAULT_OPTIMIZER = "adamw8bit";

    public PlanRequest {
        resolutionsPx = resolutionsPx == null ? null : List.copyOf(resolutionsPx);
        if (model == null) {
            throw new IllegalArgumentException("a plan needs a model variant");
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
        }
        baseline = baseline == null ? StepBaseline.DEFAULT : baseline;
        oomLimits = oomLimits == null ? OomLimits.NONE : oomLimits;
    }

    /** Everything left to the planner. */
    public static PlanRequest of(ModelVariant model) {
        return new PlanRequest(model, null, null, null, null, null, null, null, null, null, null, null, null, 1, null,
                null);
    }

    public TransformerShape shapeOrDefault() {
        return shape == null ? TransformerShape.defaultFor(model) : shape;
    }

    /** A dataset of {@code images} images whose sizes were not read (null: unknown). */
    public PlanRequest withDatasetImages(Integer images) {
        return withDataset(images == null ? null : DatasetShape.ofCount(images));
    }

    public PlanRequest withShape(TransformerShape v) {
        return new PlanRequest(model, v, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withResolutions(List<Integer> v) {
        return new PlanRequest(model, shape, v, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withBatchSize(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, v, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withQuantize(Boolean v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, v, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withGradientCheckpointing(Boolean v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, v, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withRank(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, v, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withOptimizer(String v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, v, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withEffectiveBatch(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, v, steps, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withSteps(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, v, epochs, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withEpochs(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, v, baseline, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withBaseline(StepBaseline v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, v, memoryCapGib, jobs, dataset, oomLimits);
    }

    public PlanRequest withMemoryCapGib(Double v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, v, jobs, dataset, oomLimits);
    }

    public PlanRequest withJobs(int v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, v, dataset, oomLimits);
    }

    public PlanRequest withDataset(DatasetShape v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, v, oomLimits);
    }

    public PlanRequest withOomLimits(OomLimits v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs, baseline, memoryCapGib, jobs, dataset, v);
    }
}
