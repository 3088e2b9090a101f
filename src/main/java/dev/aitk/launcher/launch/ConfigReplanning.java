package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TemplateModel;
import dev.aitk.launcher.plan.TrainingPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a --config job recovers from an out-of-memory: re-planned within its own settings. The planner sees the
 * config's model, rank, optimizer, resolutions and samples per step pinned, and may change only what trades memory
 * for speed: the batch (never above the config's; gradient accumulation keeps the samples per step; a dataset's
 * own batch_size is the batch where the config sets one),
 * quantization, gradient checkpointing and low_vram. Those keys are written into a copy of the user's config;
 * everything else in it, comments included, stays as the user wrote it.
 */
final class ConfigReplanning {
    /** The plan keys a re-plan may change in a user's config. */
    static final Set<String> MEMORY_KEYS = Set.of("train.batch_size", "train.gradient_accumulation",
            "train.gradient_checkpointing", "model.quantize", "model.qtype", "model.quantize_te", "model.low_vram");
    private static final long LARGE_CARD_MIB = 1024L * 1024;

    private ConfigReplanning() {
    }

    /**
     * The re-planning of {@code config} ({@code plain} is its document as run.py reads it), or null when its model is
     * not one the planner sizes. The starting plan is the config's own settings, predicted on a card large enough
     * to hold them: the evidence of the OOM, not this plan's fit, decides the next one.
     */
    static Replanning of(Planner planner, Object plain, Path config, GpuInventory inventory, List<Integer> gpus) {
        ModelVariant variant = TemplateModel.of(plain, config.toString()).variant();
        Map<?, ?> process = map(at(at(plain, "config"), "process") instanceof List<?> l && !l.isEmpty() ? l.get(0) : null);
        if (variant == null || process.isEmpty()) {
            return null;
        }
        Map<?, ?> train = map(process.get("train"));
        Map<?, ?> model = map(process.get("model"));
        // data_loader.py: a dataset's own batch_size replaces train.batch_size for its batches; the largest is
        // what ran out of memory, and the re-plan must lower it where it is written.
        List<Integer> datasetBatches = datasetBatchSizes(process);
        int batch = datasetBatches.isEmpty() ? number(train.get("batch_size"), 1)
                : datasetBatches.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int accumulation = number(train.get("gradient_accumulation"), 1);
        PlanRequest own = PlanRequest.of(variant).withRank(number(map(process.get("network")).get("linear"), 16))
                .withOptimizer(text(train.get("optimizer"), "adamw")).withResolutions(resolutions(process))
                .withEffectiveBatch(batch * accumulation);
        TrainingPlan current;
        try {
            GpuInventory large = inventory;
            for (int gpu : gpus) {
                large = large.withTotalMib(gpu, LARGE_CARD_MIB);
            }
            current = planner.plan(large, own.withBatchSize(batch)
                    .withQuantize(Boolean.TRUE.equals(model.get("quantize")))
                    .withGradientCheckpointing(!Boolean.FALSE.equals(train.get("gradient_checkpointing"))));
        } catch (RuntimeException unplannable) {
            return null;
        }
        ConfigTemplate template = ConfigTemplate.file(config);
        String name = text(at(at(plain, "config"), "name"), null);
        return new Replanning(current, own, next -> {
            List<Setting> settings = new ArrayList<>();
            for (Setting s : PlannedJobs.toJobs(next).jobs().get(0).settings()) {
                if (MEMORY_KEYS.contains(s.keyPath())) {
                    settings.add(s);
                }
            }
            if (!datasetBatches.isEmpty()) {
                settings.add(Setting.plan("datasets[*].batch_size", next.settings().batchSize(), "the config sets "
                        + "batch_size per dataset, which replaces train.batch_size (data_loader.py): re-planned there too"));
            }
            if (name != null) {
                settings.add(Setting.cli("config.name", name, "the first attempt's name, so run.py resumes"));
            }
            return new ConfigRenderer().render(template, settings).yaml();
        });
    }

    /** The batch_size each dataset sets for itself (ai-toolkit 2026-08-21), in order; empty when none does. */
    private static List<Integer> datasetBatchSizes(Map<?, ?> process) {
        List<Integer> sizes = new ArrayList<>();
        if (process.get("datasets") instanceof List<?> datasets) {
            for (Object d : datasets) {
                if (map(d).get("batch_size") instanceof Number n) {
                    sizes.add(n.intValue());
                }
            }
        }
        return sizes;
    }

    /** Every resolution of every dataset, as ai-toolkit reads {@code resolution} (a number or a list); 512 if none. */
    private static List<Integer> resolutions(Map<?, ?> process) {
        TreeSet<Integer> all = new TreeSet<>();
        if (process.get("datasets") instanceof List<?> datasets) {
            for (Object d : datasets) {
                Object r = map(d).get("resolution");
                if (r instanceof List<?> list) {
                    list.forEach(v -> all.add(number(v, 512)));
                } else if (r != null) {
                    all.add(number(r, 512));
                }
            }
        }
        return all.isEmpty() ? List.of(512) : List.copyOf(all);
    }

    private static Object at(Object node, String key) {
        return node instanceof Map<?, ?> m ? m.get(key) : null;
    }

    private static Map<?, ?> map(Object node) {
        return node instanceof Map<?, ?> m ? m : Map.of();
    }

    private static int number(Object v, int fallback) {
        return v instanceof Number n ? n.intValue() : fallback;
    }

    private static String text(Object v, String fallback) {
        return v instanceof String s && !s.isBlank() ? s : fallback;
    }
}
