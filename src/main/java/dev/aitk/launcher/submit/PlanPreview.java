package dev.aitk.launcher.submit;

import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.Choice;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.util.ByteSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the planner would choose for one model on the GPUs a job asks for, described by {@code --gpu-memory}:
 * shown at submit time as a preview only, since each node plans again from its own detection.
 * {@code settings} are "key=value" in the shared key path syntax; {@code note} says why there is no plan.
 */
public record PlanPreview(String model, int gpus, String gpuMemory, List<String> settings, Double peakGib,
                          Double stepSeconds, String note) {
    public PlanPreview {
        settings = List.copyOf(settings);
    }

    /** Plans {@code model} on {@code gpus} cards of {@code gpuMemory}; a model the planner does not know gets a note. */
    static PlanPreview of(String model, ByteSize gpuMemory, int gpus, GpuDetector detector, Planner planner) {
        ModelVariant variant = variantOf(model);
        if (variant == null) {
            return new PlanPreview(model, gpus, gpuMemory.human(), List.of(), null, null,
                    "no preview: the planner knows " + known() + "; the nodes still validate the config");
        }
        GpuInventory inventory = detector.detect(gpuMemory, gpus);
        TrainingPlan plan = planner.plan(inventory, PlanRequest.of(variant));
        List<String> settings = new ArrayList<>();
        for (Choice c : plan.choices()) {
            settings.add(c.key() + "=" + c.value());
        }
        return new PlanPreview(model, gpus, gpuMemory.human(), settings, plan.prediction().memory().totalGib(),
                plan.prediction().stepSeconds(), null);
    }

    static Planner standardPlanner() {
        return new Planner(MemoryModel.standard());
    }

    private static ModelVariant variantOf(String model) {
        for (ModelVariant v : ModelVariant.values()) {
            if (v.repoId().equalsIgnoreCase(model)) {
                return v;
            }
        }
        return null;
    }

    private static String known() {
        List<String> ids = new ArrayList<>();
        for (ModelVariant v : ModelVariant.values()) {
            ids.add(v.repoId());
        }
        return String.join(", ", ids);
    }

    /** The headline for the human output; the settings follow it. */
    public String describe() {
        if (note != null) {
            return model + ": " + note;
        }
        return String.format(Locale.ROOT, "%s on %d x %s: peak %.1f GiB, %.2f s/step", model, gpus, gpuMemory,
                peakGib, stepSeconds);
    }
}
