package dev.aitk.launcher.launch;

import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.Choice;
import dev.aitk.launcher.plan.DoesNotFitException;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TrainingPlan;
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
 * The OOM recovery of a planned run: plan again with each GPU capped below what the failed plan predicted,
 * have the launch pipeline write that plan into a new config (same {@code config.name} and
 * {@code training_folder}, so run.py resumes from its newest checkpoint), and run that. Nothing fitting
 * below the cap ends the run with exit 4 and the planner's own advice.
 */
public final class PlanningReplanner implements Replanner {
    /** The next cap is this share of the failed plan's predicted peak (and at least 1 GiB below it). */
    static final double CAP_FRACTION = 0.9;

    /** Writes {@code plan} into a config for attempt {@code attempt} and returns its path; the pipeline's renderer. */
    @FunctionalInterface
    public interface ConfigWriter {
        Path write(RunSpec failed, TrainingPlan plan, int attempt);
    }

    private final Planner planner;
    private final GpuInventory inventory;
    private final PlanRequest request;
    private final ConfigWriter writer;
    private TrainingPlan current;

    /** {@code plan} is the plan the run starts with (made from {@code request} for {@code inventory}). */
    public PlanningReplanner(Planner planner, GpuInventory inventory, PlanRequest request, TrainingPlan plan,
                             ConfigWriter writer) {
        this.planner = planner;
        this.inventory = inventory;
        this.request = request;
        this.current = plan;
        this.writer = writer;
    }

    @Override
    public synchronized Optional<Replan> afterOutOfMemory(RunSpec failed, AttemptRecord attempt) {
        // The cap is compared with what PyTorch holds (the planner's process peak), not the card total.
        double failedPeak = current.prediction().memory().processPeakGib();
        double cap = Math.min(failedPeak * CAP_FRACTION, failedPeak - 1.0);
        TrainingPlan next;
        try {
            next = planner.plan(inventory, request.withMemoryCapGib(cap));
        } catch (DoesNotFitException e) {
            throw new LauncherException(ExitCode.DOES_NOT_FIT, String.format(Locale.ROOT,
                    "out of GPU memory at step %s with a plan predicted at %.1f GiB, and no plan fits under %.1f GiB: %s",
                    attempt.lastStep() == null ? "0" : attempt.lastStep(), failedPeak, cap, e.getMessage()), e);
        }
        Path config = writer.write(failed, next, attempt.number() + 1);
        List<String> command = new ArrayList<>(failed.command());
        command.set(command.size() - 1, config.toString());
        String reason = describe(current, next, cap);
        current = next;
        return Optional.of(new Replan(failed.withCommand(command, Json.mapper().valueToTree(next)), reason));
    }

    /** "train.batch_size 4 -> 2; predicted peak 58.1 GiB under a 64.1 GiB cap (the failed plan: 71.2 GiB)". */
    static String describe(TrainingPlan before, TrainingPlan after, double cap) {
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
        return String.format(Locale.ROOT, "%s; predicted peak %.1f GiB under a %.1f GiB cap (the failed plan: %.1f GiB)",
                changes.isEmpty() ? "same settings" : String.join(", ", changes),
                after.prediction().memory().processPeakGib(), cap, before.prediction().memory().processPeakGib());
    }
}
