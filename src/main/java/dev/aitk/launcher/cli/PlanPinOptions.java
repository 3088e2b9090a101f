package dev.aitk.launcher.cli;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.TransformerShape;
import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The planner's pins, one spelling for plan, launch and init: each fixes one choice, and the plan says whether it still fits. */
public final class PlanPinOptions {
    @Spec
    CommandSpec self;

    @Option(names = "--transformer-config", paramLabel = "PATH",
            description = "The model's transformer/config.json: sizes a FLUX-derived transformer from its blocks.")
    Path transformerConfig;

    @Option(names = "--resolution", paramLabel = "PX", split = ",",
            description = "Pin the training resolutions, a comma list such as 512,768,1024.")
    List<Integer> resolutions;

    @Option(names = "--batch-size", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Pin the batch size.")
    Integer batchSize;

    @Option(names = "--quantize", negatable = true,
            description = "Pin 8-bit weights on (--quantize) or off (--no-quantize).")
    Boolean quantize;

    @Option(names = "--gradient-checkpointing", negatable = true, description = "Pin gradient checkpointing on or off.")
    Boolean gradientCheckpointing;

    @Option(names = "--rank", paramLabel = "N", description = "LoRA rank (default 16).")
    Integer rank;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "Pin the optimizer (default adamw8bit).")
    String optimizer;

    @Option(names = "--effective-batch", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Samples per LoRA update; the plan accumulates gradients to keep it.")
    Integer effectiveBatch;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (the plan's train.steps).")
    Integer steps;

    @Option(names = "--jobs", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Independent jobs to place, one per GPU (default 1).")
    int jobs = 1;

    /** The pins' own options, for telling them apart from the command's other flags. */
    List<OptionSpec> options() {
        return self.options();
    }

    /** The plan request for {@code model}; a dataset's image count (when it can be read) caps the batch. */
    PlanRequest request(ModelVariant model, Environment env, Path dataset) {
        return new PlanRequest(model == null ? ModelVariant.DEV : model,
                transformerConfig == null ? null : TransformerShape.fromConfigJson(env.resolve(transformerConfig)),
                resolutions, batchSize, quantize, gradientCheckpointing, rank, optimizer, effectiveBatch, steps, null, jobs,
                dataset == null ? null : DatasetFiles.countTrainingImages(env.resolve(dataset)));
    }
}
