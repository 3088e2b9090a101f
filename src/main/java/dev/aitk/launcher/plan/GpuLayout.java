package dev.aitk.launcher.plan;

import java.util.List;

/**
 * Where the job runs: the mode, the GPU indices (as CUDA_VISIBLE_DEVICES names them) and why.
 */
public record GpuLayout(Mode mode, List<Integer> gpuIndices, String reason) {

    public GpuLayout {
        gpuIndices = List.copyOf(gpuIndices);
    }

    /** The placements ai-toolkit really supports for a FLUX LoRA (see Planner for where each is read). */
    public enum Mode {
        /** One run.py process on one GPU. */
        SINGLE_GPU,
        /** One process; {@code model.split_model_over_gpus} spreads the transformer blocks over every visible GPU. */
        SPLIT_MODEL,
        /** Several jobs, one run.py process per GPU, each with its own CUDA_VISIBLE_DEVICES. */
        ONE_JOB_PER_GPU
    }

    /** The CUDA_VISIBLE_DEVICES value for this layout (comma list of indices). */
    public String cudaVisibleDevices() {
        StringBuilder sb = new StringBuilder();
        for (int i : gpuIndices) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(i);
        }
        return sb.toString();
    }
}
