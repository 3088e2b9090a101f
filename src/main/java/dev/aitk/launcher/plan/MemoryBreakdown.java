package dev.aitk.launcher.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Predicted peak GPU memory of one training process, by part, in GiB; {@code totalGib} is their sum. */
@JsonPropertyOrder({"unit", "transformer_weights", "lora_and_optimizer", "activations", "text_encoders", "vae",
        "cuda_context", "margin", "total"})
public record MemoryBreakdown(
        @JsonProperty("transformer_weights") double transformerWeightsGib,
        @JsonProperty("lora_and_optimizer") double loraAndOptimizerGib,
        @JsonProperty("activations") double activationsGib,
        @JsonProperty("text_encoders") double textEncodersGib,
        @JsonProperty("vae") double vaeGib,
        @JsonProperty("cuda_context") double cudaContextGib,
        @JsonProperty("margin") double marginGib,
        @JsonProperty("total") double totalGib) {

    /** The parts plus context and margin, with the total computed (to a millionth of a GiB, no float noise). */
    public static MemoryBreakdown of(double transformerWeightsGib, double loraAndOptimizerGib, double activationsGib,
                                     double textEncodersGib, double vaeGib, double cudaContextGib, double marginGib) {
        return new MemoryBreakdown(transformerWeightsGib, loraAndOptimizerGib, activationsGib, textEncodersGib, vaeGib,
                cudaContextGib, marginGib, Decimals.round(transformerWeightsGib + loraAndOptimizerGib
                        + activationsGib + textEncodersGib + vaeGib + cudaContextGib + marginGib, 6));
    }

    /** What PyTorch itself holds at the peak: the total less the CUDA context and the safety margin. */
    public double processPeakGib() {
        return totalGib - cudaContextGib - marginGib;
    }

    @JsonProperty("unit")
    public String unit() {
        return "GiB";
    }
}
