package dev.aitk.launcher.plan;

import dev.aitk.launcher.hardware.HostInfo;

/**
 * The host RAM the run needs where a phase runs on the CPU, beside what the host has. ai-toolkit's FLUX loader
 * (toolkit/stable_diffusion_model.py load_model) reads the transformer with diffusers' from_pretrained into CPU
 * memory in bf16 before it moves it to the GPU; with {@code model.low_vram} it stays there and is quantized
 * on the CPU, and T5 is then read into CPU memory too before it goes to the GPU. Latents are cached to disk
 * (cache_latents_to_disk), not held in RAM. {@code haveGib} is null when the host's RAM is unknown.
 */
public record HostMemory(double needGib, Double haveGib, boolean fits, String reason) {
    /** Python, PyTorch, the CUDA libraries and the data loader workers before any weights: measured runs hold ~3-4 GiB. */
    static final double PROCESS_BASE_GIB = 4.0;

    /** {@code processes} run.py processes start together (one job per GPU), each loading its own copy. */
    static HostMemory of(TrainingSettings s, double bf16BytesPerParam, double quantizedBytesPerParam, HostInfo host,
                         int processes) {
        TransformerShape shape = s.shape() == null ? TransformerShape.defaultFor(s.model()) : s.shape();
        double bf16 = shape.baseParams() * bf16BytesPerParam / MemoryModel.GIB;
        double t5 = MemoryModel.T5_PARAMS * MemoryModel.BF16_BYTES / MemoryModel.GIB;
        double quantized = shape.baseParams() * quantizedBytesPerParam / MemoryModel.GIB;
        // low_vram: the quantized transformer is still on the CPU when T5 is read; otherwise only one at a time.
        double weights = s.lowVram() ? Math.max(bf16, quantized + t5) : Math.max(bf16, t5);
        double need = Decimals.round(processes * (weights + PROCESS_BASE_GIB), 1);
        String phase = s.lowVram() ? "loading the bf16 transformer and quantizing it on the CPU (low_vram)"
                : "loading the bf16 transformer into CPU memory before it moves to the GPU";
        Double have = host == null || host.ramMib() == null ? null : Decimals.round(host.ramMib() / 1024.0, 1);
        boolean fits = have == null || need <= have;
        String reason = "about " + Decimals.fixed(need, 1) + " GiB of host RAM while " + phase + " ("
                + (processes > 1 ? processes + " processes x " : "") + Decimals.fixed(weights, 1) + " GiB of weights + "
                + Decimals.fixed(PROCESS_BASE_GIB, 0) + " GiB for the process)" + (have == null ? "; the host's RAM is unknown"
                : fits ? "; the host has " + Decimals.fixed(have, 1) + " GiB"
                : " but the host has " + Decimals.fixed(have, 1) + " GiB: the kernel's OOM killer would stop run.py "
                + "(exit -9); add RAM or swap, or train on a machine with more");
        return new HostMemory(need, have, fits, reason);
    }
}
