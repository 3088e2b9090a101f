package dev.aitk.launcher.plan;

import java.util.List;

/**
 * The keys only ai-toolkit's FLUX.2 loader reads (extensions_built_in/diffusion_models/flux2/): the text
 * encoder's qtype and layer offloading. FLUX.1's loader ignores them, so FLUX.1 plans leave them out.
 */
final class Flux2Choices {
    private Flux2Choices() {
    }

    static void add(List<Choice> choices, TrainingSettings s, MemoryModel model, MemoryBudget budget, GpuLayout layout) {
        String te = s.model().textEncoder().name();
        choices.add(new Choice("model.qtype_te", s.qtype(), s.quantizeTextEncoder()
                ? "the 8-bit type for " + te + " (flux2_klein_model.py quantizes Qwen3 with qtype_te; Mistral uses qtype)"
                : "unused while quantize_te is false", false));
        boolean offload = s.layerOffloadingPercent() > 0;
        choices.add(new Choice("model.layer_offloading", offload, offload
                ? "nothing fits on the card without it: the offloaded blocks live in CPU memory and are streamed "
                + "to the GPU when they run (toolkit/memory_management MemoryManager)"
                : "not needed: the run fits with every block on the GPU, and streaming blocks costs speed", false));
        if (offload) {
            double extra = Flux2Memory.offloadSeconds(s, s.shape(), model.residentBytesPerParam(s));
            choices.add(new Choice("model.layer_offloading_transformer_percent", s.layerOffloadingPercent(),
                    "the smallest share that fits (tried 0.25, 0.5, 0.75, 1.0): assumes the offloaded "
                    + PlanExplanation.gib(s.shape().blockParams() * model.residentBytesPerParam(s)
                    * s.layerOffloadingPercent() / MemoryModel.GIB) + " cross PCIe at about "
                    + Decimals.fixed(Flux2Memory.OFFLOAD_GIB_PER_SECOND, 0) + " GiB/s once per pass ("
                    + (s.gradientCheckpointing() ? "forward, recompute, backward" : "forward, backward")
                    + "), + " + Decimals.fixed(extra, 1) + " s a step, not hidden behind compute", false));
            // ModelConfig defaults the text encoder's share to 1.0 as soon as layer_offloading is on.
            choices.add(new Choice("model.layer_offloading_text_encoder_percent", 0.0, "0: " + te + " runs only "
                    + "while captions are cached and fits on the GPU then (the phases above count it there); "
                    + "ai-toolkit's default 1.0 would stream every one of its layers for every caption", false));
        }
    }
}
