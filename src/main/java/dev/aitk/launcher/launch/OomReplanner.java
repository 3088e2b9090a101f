package dev.aitk.launcher.launch;

import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.Choice;
import dev.aitk.launcher.plan.DoesNotFitException;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.OomLimits;
import dev.aitk.launcher.plan.Phase;
import dev.aitk.launcher.plan.PhasePeak;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.OomEvidence;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The smaller plan after an out-of-memory, from the evidence: the card's capacity the message names (the plan may
 * have been made for a card the user described wrongly), what the process held plus what it tried to allocate
 * (how far the failed plan's prediction was from the truth), and the phase it failed in (a training-step OOM
 * says nothing against the load and quantize phases it got past). That phase is capped so the next plan's real
 * peak lands inside the card, the batch never grows, and the planner's own choice is written into the next config
 * (same {@code config.name} and {@code training_folder}, so run.py resumes from its newest checkpoint). Nothing
 * fitting ends the run with exit 4 and the planner's advice.
 */
public final class OomReplanner implements Replanner {
    /** Without figures in the message, the next cap is this share of the failed phase's prediction. */
    static final double CAP_FRACTION = 0.9;
    /** Even when the figures allow more, the next prediction stays this far below the failed one. */
    private static final double MAX_SHARE = 0.95;

    /** Writes {@code plan} into a config for attempt {@code attempt} and returns its path. */
    @FunctionalInterface
    public interface ConfigWriter {
        Path write(RunSpec failed, TrainingPlan plan, int attempt);
    }

    private final Planner planner;
    private final List<Integer> jobGpus;
    private final PlanRequest request;
    private final ConfigWriter writer;
    private GpuInventory cards;
    private TrainingPlan current;
    private OomLimits limits = OomLimits.NONE;

    /**
     * {@code plan} is the plan the run starts with, made from {@code request} for {@code inventory}; {@code jobGpus}
     * are the nvidia-smi indices the job sees (cuda:0 is the first).
     */
    public OomReplanner(Planner planner, GpuInventory inventory, List<Integer> jobGpus, PlanRequest request,
                        TrainingPlan plan, ConfigWriter writer) {
        this.planner = planner;
        this.cards = inventory;
        this.jobGpus = List.copyOf(jobGpus);
        this.request = request;
        this.current = plan;
        this.writer = writer;
    }

    @Override
    public synchronized Optional<Replan> afterOutOfMemory(RunSpec failed, AttemptRecord attempt) {
        String text = String.join("\n", attempt.traceback()) + "\n" + Objects.toString(attempt.detail(), "");
        Optional<OomEvidence> evidence = OomEvidence.in(text);
        Phase phase = failedPhase(attempt);
        PhasePeak predicted = current.prediction().phase(phase);
        double predictedGib = predicted == null ? current.prediction().peakGib() : predicted.peakGib();
        String card = evidence.map(this::learnCard).orElse(null);
        double cap = cap(predictedGib, evidence.orElse(null));
        limits = limits.withPhaseCap(phase, cap).withMaxBatch(current.settings().batchSize());
        TrainingPlan next;
        try {
            next = planner.plan(cards, request.withBatchSize(null).withOomLimits(limits));
        } catch (DoesNotFitException e) {
            throw new LauncherException(ExitCode.DOES_NOT_FIT, String.format(Locale.ROOT,
                    "out of GPU memory%s (%s) with a plan predicted at %.1f GiB for it, and no plan fits under "
                            + "%.1f GiB there%s: %s", at(attempt), phase.description(), predictedGib, cap,
                    card == null ? "" : " on " + card, e.getMessage()), e);
        }
        Path config = writer.write(failed, next, attempt.number() + 1);
        List<String> command = new ArrayList<>(failed.command());
        command.set(command.size() - 1, config.toString());
        String reason = describe(current, next, phase, cap, card);
        current = next;
        return Optional.of(new Replan(failed.withCommand(command, Json.mapper().valueToTree(next)), reason));
    }

    /**
     * The failed phase's cap: the prediction scaled by how much room there really was (usable memory of the card
     * over what the process needed: in use plus the allocation that failed), never more than 95% of it; 90%
     * when the message gives no figures.
     */
    private double cap(double predictedGib, OomEvidence e) {
        // Without "this process has X in use", everything not free counts as in use (other processes included).
        Double inUseGib = e == null ? null : e.processInUseGib() != null ? e.processInUseGib()
                : e.cardCapacityGib() != null && e.freeGib() != null ? e.cardCapacityGib() - e.freeGib() : null;
        if (inUseGib == null || e.triedToAllocateGib() == null) {
            return predictedGib * CAP_FRACTION;
        }
        double needGib = inUseGib + e.triedToAllocateGib();
        double usableGib = e.cardCapacityGib() == null ? needGib : MemoryBudget.forCard(e.cardCapacityGib()).usableGib();
        return predictedGib * Math.min(MAX_SHARE, usableGib / needGib);
    }

    /** The capacity the message gives becomes the total of every GPU the job uses; returns "GPU N (23.6 GiB)". */
    private String learnCard(OomEvidence e) {
        if (e.cardCapacityGib() == null) {
            return null;
        }
        long mib = Math.round(e.cardCapacityGib() * 1024);
        for (int gpu : jobGpus) {
            cards = cards.withTotalMib(gpu, mib);
        }
        int cuda = e.gpuIndex() == null ? 0 : e.gpuIndex();
        int nvidia = cuda < jobGpus.size() ? jobGpus.get(cuda) : jobGpus.get(0);
        return String.format(Locale.ROOT, "GPU %d (%.1f GiB as CUDA reports it)", nvidia, e.cardCapacityGib());
    }

    /**
     * Where the attempt ran out: a training step once the training bar showed a step; before that, the traceback's
     * frames name quantizing or the text encoders; anything else is loading.
     */
    static Phase failedPhase(AttemptRecord attempt) {
        if (attempt.lastStep() != null) {
            return Phase.TRAINING_STEP;
        }
        String frames = String.join("\n", attempt.traceback()).toLowerCase(Locale.ROOT);
        if (frames.contains("hook_train_loop") || frames.contains("train_single_step") || frames.contains("backward")) {
            return Phase.TRAINING_STEP;
        }
        if (frames.contains("encode_prompt") || frames.contains("cache_text_embeddings")
                || frames.contains("encode_images") || frames.contains("cache_latents")) {
            return Phase.TEXT_ENCODER_CACHING;
        }
        if (frames.contains("quantize")) {
            return Phase.QUANTIZE;
        }
        return Phase.LOAD;
    }

    private static String at(AttemptRecord attempt) {
        return attempt.lastStep() == null ? " before the first step" : " at step " + attempt.lastStep();
    }

    /**
     * "train.batch_size 4 -> 2; training step predicted at 18.1 GiB under a 20.1 GiB cap (the failed plan: 71.2 GiB)
     * on GPU 0 (23.6 GiB as CUDA reports it)".
     */
    static String describe(TrainingPlan before, TrainingPlan after, Phase phase, double cap, String card) {
        Map<String, Object> old = new LinkedHashMap<>();
        for (Choice c : before.choices()) {
            old.put(c.key(), c.value());
        }
        List<String> changes = new ArrayList<>();
        for (Choice c : after.choices()) {
            if (!Objects.equals(String.valueOf(old.get(c.key())), String.valueOf(c.value()))) {
                changes.add(c.key() + " " + old.get(c.key()) + " -> " + c.value());
            }
        }
        PhasePeak was = before.prediction().phase(phase);
        PhasePeak now = after.prediction().phase(phase);
        return String.format(Locale.ROOT, "%s; %s predicted at %.1f GiB under a %.1f GiB cap (the failed plan: "
                        + "%.1f GiB)%s", changes.isEmpty() ? "same settings" : String.join(", ", changes),
                phase.description(), now == null ? after.prediction().peakGib() : now.peakGib(), cap,
                was == null ? before.prediction().peakGib() : was.peakGib(), card == null ? "" : " on " + card);
    }
}
