package dev.aitk.launcher.plan;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.HostInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan stage's entry point: decides where the job runs (one GPU, the model split over all of them, or one
 * job per GPU), asks {@link SettingsSearch} for the fastest settings that fit each GPU's budget,
 * {@link PlanExplanation} for the reasons and {@link RefusalAdvice} when nothing fits. Deterministic: the
 * same inventory and request give the same plan.
 *
 * <p>Multi-GPU placements, as ai-toolkit implements them:
 * <ul>
 * <li>{@code model.split_model_over_gpus}: toolkit/models/flux.py {@code add_model_gpu_splitter_to_flux}
 * assigns the transformer blocks to every visible GPU in turn (text encoders, VAE and embedders stay on GPU 0)
 * and runs them one after another, so it buys memory, not speed. toolkit/config_modules.py
 * {@code ModelConfig.__init__} rejects it unless the model is FLUX ({@code is_flux}, arch {@code flux}), so
 * Kontext ({@code flux_kontext}) and Flex.2 ({@code flex2}) cannot use it.</li>
 * <li>One job per GPU: run.py is one process on {@code device: cuda:0} of its CUDA_VISIBLE_DEVICES; ai-toolkit's
 * own UI launches each job that way. There is no data-parallel launch for one job (run.py is not started under
 * accelerate/torchrun), so a second GPU never speeds up a single job.</li>
 * <li>Text encoders on another GPU: {@code model.te_device} exists in ModelConfig but the FLUX loader
 * (toolkit/stable_diffusion_model.py {@code load_model}) moves T5 and CLIP to the training device, so it is not
 * planned.</li>
 * </ul>
 */
public final class Planner {
    /** Memory other processes already hold (a desktop, another job) below which nvidia-smi noise is ignored. */
    static final long OTHER_PROCESSES_MIN_MIB = 256;

    private final SettingsSearch search;
    private final PlanExplanation explanation;
    private final RefusalAdvice refusals;

    public Planner(MemoryModel model) {
        this.search = new SettingsSearch(model);
        this.explanation = new PlanExplanation(model);
        this.refusals = new RefusalAdvice(search);
    }

    /** The fastest plan that fits, or {@link DoesNotFitException} with what to change. */
    public TrainingPlan plan(GpuInventory inventory, PlanRequest request) {
        RequestCheck.check(request);
        List<GpuInfo> gpus = inventory.requireKnownMemory().gpus();
        if (request.jobs() > 1) {
            return oneJobPerGpu(gpus, request, inventory.host());
        }
        GpuInfo best = gpus.get(0);
        for (GpuInfo g : gpus) {
            if (g.totalMib() > best.totalMib()) {
                best = g;
            }
        }
        MemoryBudget budget = budgetFor(best, request);
        Candidate single = search.search(request, budget, 1);
        boolean canSplit = gpus.size() > 1 && request.model() == ModelVariant.DEV;
        Candidate split = null;
        MemoryBudget splitBudget = null;
        if (canSplit) {
            splitBudget = budgetFor(smallest(gpus), request);
            split = search.search(request, splitBudget, gpus.size());
        }
        List<String> notes = new ArrayList<>();
        noteOtherProcesses(gpus, notes);
        if (single.fits() && (split == null || !split.fits() || split.prediction().samplesPerSecond()
                < single.prediction().samplesPerSecond() / SettingsSearch.TIE)) {
            String why;
            if (gpus.size() == 1) {
                why = "one GPU: run.py trains one job in one process on it";
            } else {
                why = "fits on one GPU; a single job cannot use more (run.py has no data-parallel launch, and "
                        + "split_model_over_gpus runs blocks one GPU after another)";
                List<Integer> free = new ArrayList<>();
                for (GpuInfo g : gpus) {
                    if (g.index() != best.index()) {
                        free.add(g.index());
                    }
                }
                notes.add("GPUs " + free + " stay free: run another job on each (--jobs N plans one job per GPU)");
            }
            return explanation.build(request, single, budget,
                    new GpuLayout(GpuLayout.Mode.SINGLE_GPU, List.of(best.index()), why), notes, inventory.host());
        }
        if (split != null && split.fits()) {
            List<Integer> all = new ArrayList<>();
            for (GpuInfo g : gpus) {
                all.add(g.index());
            }
            String why = single.fits()
                    ? "splitting the blocks over " + gpus.size() + " GPUs allows a faster setting than one GPU"
                    : "does not fit one GPU; model.split_model_over_gpus spreads the blocks over all " + gpus.size()
                    + " (sequential: memory, not speed)";
            return explanation.build(request, split, splitBudget,
                    new GpuLayout(GpuLayout.Mode.SPLIT_MODEL, all, why), notes, inventory.host());
        }
        throw refusals.refuse(request, best, budget, single, gpus.size());
    }

    private TrainingPlan oneJobPerGpu(List<GpuInfo> gpus, PlanRequest request, HostInfo host) {
        int n = Math.min(request.jobs(), gpus.size());
        List<GpuInfo> used = new ArrayList<>(gpus.subList(0, n));
        GpuInfo smallest = smallest(used);
        MemoryBudget budget = budgetFor(smallest, request);
        Candidate c = search.search(request, budget, 1);
        if (!c.fits()) {
            throw refusals.refuse(request, smallest, budget, c, 1);
        }
        List<Integer> indices = new ArrayList<>();
        for (GpuInfo g : used) {
            indices.add(g.index());
        }
        List<String> notes = new ArrayList<>();
        noteOtherProcesses(used, notes);
        if (request.jobs() > n) {
            notes.add((request.jobs() - n) + " of " + request.jobs() + " jobs wait for a free GPU");
        }
        String why = n + " jobs, one run.py per GPU with its own CUDA_VISIBLE_DEVICES, as ai-toolkit's UI runs "
                + "jobs; every job gets the same settings, sized for the smallest of these GPUs";
        notes.add("together the " + n + " jobs train " + Decimals.fixed(n * c.prediction().samplesPerSecond(), 2)
                + " samples/s");
        return explanation.build(request, c, budget, new GpuLayout(GpuLayout.Mode.ONE_JOB_PER_GPU, indices, why),
                notes, host);
    }

    private static GpuInfo smallest(List<GpuInfo> gpus) {
        GpuInfo s = gpus.get(0);
        for (GpuInfo g : gpus) {
            if (g.totalMib() < s.totalMib()) {
                s = g;
            }
        }
        return s;
    }

    private static MemoryBudget budgetFor(GpuInfo gpu, PlanRequest request) {
        MemoryBudget b = MemoryBudget.forCard(gpu.totalMib() / 1024.0);
        if (gpu.usedMib() != null && gpu.usedMib() >= OTHER_PROCESSES_MIN_MIB) {
            b = b.cappedAt(b.usableGib() - gpu.usedMib() / 1024.0);
        }
        return request.memoryCapGib() == null ? b : b.cappedAt(request.memoryCapGib());
    }

    private static void noteOtherProcesses(List<GpuInfo> gpus, List<String> notes) {
        for (GpuInfo g : gpus) {
            if (g.usedMib() != null && g.usedMib() >= OTHER_PROCESSES_MIN_MIB) {
                notes.add("GPU " + g.index() + " already has " + PlanExplanation.gib(g.usedMib() / 1024.0)
                        + " in use by other processes; the budget leaves it to them");
            }
        }
    }
}
