package dev.aitk.launcher.diagnose;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.HostInfo;
import dev.aitk.launcher.hardware.Source;
import dev.aitk.launcher.plan.Choice;
import dev.aitk.launcher.plan.DoesNotFitException;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * After an out-of-memory failure: the planner's settings for the model that ran on the card the message
 * names. First with 10% headroom below the card's usable memory (the run just proved the edge is real), then
 * at the planner's own margin; when nothing fits, the planner's refusal (the smallest card that would do).
 */
final class MemoryAdvice {
    /** The settings that decide memory, in the order a reader changes them. */
    private static final List<String> MEMORY_KEYS = List.of("train.batch_size", "train.gradient_accumulation",
            "model.quantize", "model.quantize_te", "model.low_vram", "train.gradient_checkpointing",
            "datasets[*].resolution");
    private static final double HEADROOM = 0.9;

    private final Planner planner;

    MemoryAdvice(Planner planner) {
        this.planner = planner;
    }

    /**
     * The fix for {@code model} on a card of {@code cardGib} (as CUDA reports it); empty for a model the planner
     * does not size. A model nothing names is taken to be FLUX.1-dev, and the advice says so.
     */
    Optional<String> forCard(TrainedModel model, double cardGib) {
        if (model.variant() == null && model.arch() != null) {
            return Optional.empty();
        }
        if (model.variant() == null) {
            model = new TrainedModel(ModelVariant.DEV, ModelVariant.DEV.arch(), null, model.source());
        }
        PlanRequest request = PlanRequest.of(model.variant());
        double usable = MemoryBudget.forCard(cardGib).usableGib();
        String gb = "'aitk-launcher plan --model " + model.variant().name().toLowerCase(Locale.ROOT) + " --gpu-memory "
                + (long) Math.ceil(cardGib) + "GB'";
        try {
            TrainingPlan plan = planner.plan(card(cardGib), request.withMemoryCapGib(HEADROOM * usable));
            return Optional.of(settings(model, cardGib, plan, "with 10% headroom") + "; " + gb
                    + " shows the whole plan, and 'launch' re-plans like this by itself");
        } catch (DoesNotFitException withHeadroom) {
            try {
                TrainingPlan plan = planner.plan(card(cardGib), request);
                return Optional.of(settings(model, cardGib, plan, "with no headroom beyond the planner's margin")
                        + "; free the card of other processes first (nvidia-smi shows them); " + gb
                        + " shows the whole plan");
            } catch (DoesNotFitException none) {
                return Optional.of("the planner finds no settings for " + model.describe() + " on this "
                        + gib(cardGib) + " GiB card: " + none.getMessage());
            }
        }
    }

    private static String settings(TrainedModel model, double cardGib, TrainingPlan plan, String margin) {
        List<String> settings = new ArrayList<>();
        for (String key : MEMORY_KEYS) {
            Choice c = plan.choice(key);
            if (c != null) {
                settings.add(key + ": " + c.value());
            }
        }
        return "the planner's settings for " + model.describe() + " on this " + gib(cardGib) + " GiB card " + margin
                + " (predicted peak " + gib(plan.prediction().memory().processPeakGib()) + " GiB): "
                + String.join(", ", settings);
    }

    /** One card as the OOM message describes it; nothing else of the machine is known. */
    private static GpuInventory card(double cardGib) {
        long mib = Math.round(cardGib * 1024);
        return new GpuInventory(List.of(new GpuInfo(0, "the card in the log", null, mib, 0L, mib, null, null, null,
                Source.FLAGS)), Source.FLAGS, new HostInfo(null, null, null, Source.NONE),
                List.of("the card's capacity from the out-of-memory message"));
    }

    private static String gib(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
