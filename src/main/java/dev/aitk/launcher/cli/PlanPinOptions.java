package dev.aitk.launcher.cli;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.plan.DatasetShape;
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

    @Option(names = "--effective-batch", paramLabel = "N", converter = WholeNumberConverter.class,
            description = "Samples per LoRA update; the plan accumulates gradients to keep it.")
    Integer effectiveBatch;

    @Option(names = "--steps", paramLabel = "N", converter = WholeNumberConverter.class,
            description = "Training length in steps at batch 1 (or at the pinned --batch-size/--effective-batch); "
                    + "the plan keeps those samples and scales train.steps with the batch it picks. Default: the "
                    + "template's steps.")
    Integer steps;

    @Option(names = "--epochs", paramLabel = "N", converter = WholeNumberConverter.class,
            description = "Training length in passes over the --dataset (every image at every resolution).")
    Integer epochs;

    @Option(names = "--jobs", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Independent jobs to place, one per GPU (default 1).")
    int jobs = 1;

    /** The pins' own options, for telling them apart from the command's other flags. */
    List<OptionSpec> options() {
        return self.options();
    }

    /**
     * The plan request for the selected model, with the template's steps as the budget; a dataset's images (when
     * they can be read) cap the batch and count epochs.
     */
    PlanRequest request(ModelSelection selection, Environment env, Path dataset) {
        Integer images = dataset == null ? null : DatasetFiles.countTrainingImages(env.resolve(dataset));
        return new PlanRequest(selection.variant(),
                transformerConfig == null ? null : TransformerShape.fromConfigJson(env.resolve(transformerConfig)),
                // A template's datasets[0].batch_size wins over train.batch_size in ai-toolkit: keep it as a pin.
                resolutions, batchSize != null ? batchSize : selection.template().datasetBatchSize(), quantize,
                gradientCheckpointing, rank, optimizer, effectiveBatch, steps, epochs,
                selection.template().baseline(), null, jobs, images == null ? null : DatasetShape.ofCount(images), null);
    }
}
