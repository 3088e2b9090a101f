package dev.aitk.launcher.plan;

import java.util.List;

/**
 * What the user wants planned. Null fields are the planner's to choose; non-null ones are pinned.
 * {@code shape} null means the variant's published shape; {@code memoryCapGib} caps each GPU's process peak
 * (a re-plan after an out-of-memory failure asks for strictly less than the failed plan's peak); {@code jobs}
 * is how many independent jobs share the GPUs; {@code datasetImages} (when known) caps the batch size, since a
 * batch larger than the dataset only repeats images.
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
        Double memoryCapGib,
        int jobs,
        Integer datasetImages) {

    public static final int DEFAULT_RANK = 16;
    public static final String DEFAULT_OPTIMIZER = "adamw8bit";

    public PlanRequest {
        resolutionsPx = resolutionsPx == null ? null : List.copyOf(resolutionsPx);
        if (model == null) {
            throw new IllegalArgumentException("a plan needs a model variant");
        }
        if (datasetImages != null && datasetImages < 1) {
            throw new IllegalArgumentException("a dataset needs at least one image: " + datasetImages);
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
        }
    }

    /** Everything left to the planner. */
    public static PlanRequest of(ModelVariant model) {
        return new PlanRequest(model, null, null, null, null, null, null, null, null, null, null, 1, null);
    }

    public TransformerShape shapeOrDefault() {
        return shape == null ? TransformerShape.defaultFor(model) : shape;
    }

    public PlanRequest withShape(TransformerShape v) {
        return new PlanRequest(model, v, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withResolutions(List<Integer> v) {
        return new PlanRequest(model, shape, v, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withBatchSize(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, v, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withQuantize(Boolean v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, v, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withGradientCheckpointing(Boolean v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, v, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withRank(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, v, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withOptimizer(String v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, v,
                effectiveBatch, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withEffectiveBatch(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                v, steps, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withSteps(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, v, memoryCapGib, jobs, datasetImages);
    }

    public PlanRequest withMemoryCapGib(Double v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, v, jobs, datasetImages);
    }

    public PlanRequest withJobs(int v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, v, datasetImages);
    }

    public PlanRequest withDatasetImages(Integer v) {
        return new PlanRequest(model, shape, resolutionsPx, batchSize, quantize, gradientCheckpointing, rank, optimizer,
                effectiveBatch, steps, memoryCapGib, jobs, v);
    }
}
