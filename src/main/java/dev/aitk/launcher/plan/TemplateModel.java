package dev.aitk.launcher.plan;

import java.util.List;
import java.util.Map;

/**
 * What a config template says that planning depends on: the model it trains ({@code model.arch},
 * {@code model.name_or_path}) and the training length it asks for ({@code train.steps} at
 * {@code train.batch_size} x {@code train.gradient_accumulation}), and {@code datasets[0].batch_size}, which
 * overrides train.batch_size for that dataset (toolkit/data_loader.py get_dataloader_from_datasets: "dataset
 * level batch_size overrides the train config batch_size when set"), so the plan keeps it as a pin. Read from the document as plain maps and
 * lists (the config stage's reader builds them), so plan depends on no YAML library.
 */
public record TemplateModel(String label, String arch, String nameOrPath, Integer steps, Integer batchSize,
                            Integer accumulation, Integer datasetBatchSize) {

    /** The facts of {@code config.process[0]} in a plain document, or nulls where the template says nothing. */
    public static TemplateModel of(Object plainDocument, String label) {
        Object process = at(at(plainDocument, "config"), "process");
        Object first = process instanceof List<?> list && !list.isEmpty() ? list.get(0) : null;
        Object model = at(first, "model");
        Object train = at(first, "train");
        Object datasets = at(first, "datasets");
        Object dataset = datasets instanceof List<?> list && !list.isEmpty() ? list.get(0) : null;
        return new TemplateModel(label, text(at(model, "arch")), text(at(model, "name_or_path")),
                number(at(train, "steps")), number(at(train, "batch_size")), number(at(train, "gradient_accumulation")),
                number(at(dataset, "batch_size")));
    }

    /** The variant this template trains, or null when neither arch nor name_or_path names one. */
    public ModelVariant variant() {
        return ModelVariant.fromArch(arch, nameOrPath);
    }

    /** The template's steps at its batch as the plan's budget, or null when it sets no steps. */
    public StepBaseline baseline() {
        if (steps == null || steps < 1) {
            return null;
        }
        int batch = datasetBatchSize != null && datasetBatchSize > 0 ? datasetBatchSize
                : batchSize == null || batchSize < 1 ? 1 : batchSize;
        int acc = accumulation == null || accumulation < 1 ? 1 : accumulation;
        return StepBaseline.ofTemplate(label, steps, batch, acc);
    }

    private static Object at(Object node, String key) {
        return node instanceof Map<?, ?> map ? map.get(key) : null;
    }

    private static String text(Object v) {
        return v == null ? null : v.toString();
    }

    private static Integer number(Object v) {
        return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.intValue() : null;
    }
}
