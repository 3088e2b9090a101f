package dev.aitk.launcher.cli;

import dev.aitk.launcher.plan.ModelVariant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags that decide what config gets rendered and where: shared by launch and init. */
public final class RenderOptions {
    @Option(names = "--model", paramLabel = "MODEL",
            description = "Model to train: dev (FLUX.1-dev, focus mask), kontext (FLUX.1-Kontext-dev, masked image "
                    + "as control) or flex2 (Flex.2, inpaint images). Picks the shipped template. Default: dev.")
    ModelVariant model;

    @Option(names = "--template", paramLabel = "NAME|FILE",
            description = "Template to render: a shipped one (flux-dev-inpaint, flux-kontext-inpaint, flex2-inpaint) "
                    + "or your own ai-toolkit YAML file. Default: the one for --model.")
    String template;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Folder of training images and captions "
            + "(sets datasets[*].folder_path).")
    Path dataset;

    @Option(names = "--output", paramLabel = "DIR", description = "Folder for the rendered config and the "
            + "checkpoints (sets training_folder). Default: ./output.")
    Path output;

    @Option(names = "--name", paramLabel = "NAME", description = "Run name: the LoRA's file name and folder "
            + "(sets config.name). Default: the template's.")
    String name;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Change any config key; wins over the plan and is reported. Values are YAML: "
                    + "--set train.lr=5e-5 (a float), --set 'sample.prompts=[a cat, a dog]' (a list), "
                    + "--set datasets[0].control_path=/data/masked. Keys are relative to config.process[0] "
                    + "unless they start with job, config or meta. Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--toolkit-dir", paramLabel = "DIR",
            description = "The ai-toolkit checkout (the folder with run.py). Default: $AITK_HOME.")
    Path toolkitDir;

    @Option(names = "--python", paramLabel = "PYTHON",
            description = "Interpreter that runs run.py. Default: the toolkit's venv, else python3 on PATH.")
    String python;
}
