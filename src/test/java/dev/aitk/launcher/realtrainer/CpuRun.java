package dev.aitk.launcher.realtrainer;

import java.util.ArrayList;
import java.util.List;

/**
 * The --set arguments that let a config planned for a GPU train on the real-trainer kit's CPU (the kit's README:
 * device cpu, fp32, AdamW, nothing quantized) on the tiny model served under {@code repo}, 64 px, a LoRA of rank 4;
 * everything else stays as the plan made it.
 */
final class CpuRun {
    private CpuRun() {
    }

    static List<String> settings(String repo, int steps) {
        return List.of("device=cpu", "train.dtype=fp32", "save.dtype=float32", "model.quantize=false",
                "model.quantize_te=false", "model.low_vram=false", "train.optimizer=adamw", "train.steps=" + steps,
                "datasets[0].resolution=[" + TinyDataset.SIDE_PX + "]", "model.name_or_path=" + repo,
                "network.linear=4", "network.linear_alpha=4");
    }

    /** Each setting as {@code --set KEY=VALUE}. */
    static List<String> asArgs(List<String> settings) {
        List<String> args = new ArrayList<>();
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }
}
