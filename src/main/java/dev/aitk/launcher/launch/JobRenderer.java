package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.plan.TrainingPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Renders the config of each planned job from one template: the plan's settings first, then what the user
 * gave (training_folder from --output, the dataset, --name, the --set overrides), which win; then config.name
 * when the template has none or several jobs would share it. It also hands each job the way to render another
 * plan into the same config (same name and folder, so run.py resumes), which the OOM re-plan uses.
 */
final class JobRenderer {
    private final ConfigTemplate template;
    private final ConfigRenderer renderer = new ConfigRenderer();
    private final List<Setting> folders;
    private final String name;
    private final List<Setting> overrides;
    private final boolean batchPerDataset;

    /**
     * @param output      the training_folder; {@code outputGiven} says whether --output chose it
     * @param dataset     the dataset folder, null to keep the template's placeholder
     * @param name        --name, null to keep the template's
     * @param overrides   the --set settings, relative folders already made absolute
     * @param batchPerDataset the template sets datasets[0].batch_size, which replaces train.batch_size in ai-toolkit
     *                    (data_loader.py), so the planned batch is written there too: a re-plan after an OOM must
     *                    lower the batch that actually runs
     */
    JobRenderer(ConfigTemplate template, Path output, boolean outputGiven, Path dataset, String name,
                List<Setting> overrides, boolean batchPerDataset) {
        this.template = template;
        this.batchPerDataset = batchPerDataset;
        List<Setting> settings = new ArrayList<>();
        settings.add(Setting.cli("training_folder", output.toString(),
                outputGiven ? "--output" : "default output folder ./output"));
        if (dataset != null) {
            settings.add(Setting.cli("datasets[*].folder_path", dataset.toString(), "--dataset"));
        }
        this.folders = List.copyOf(settings);
        this.name = name;
        this.overrides = List.copyOf(overrides);
    }

    /** A rendered job config and how to render another plan for it. */
    record Rendered(RenderedConfig config, Function<TrainingPlan, String> rerender) {
        String name() {
            return config.name();
        }
    }

    Rendered render(JobPlanner.PlannedJob planned) {
        List<Setting> user = new ArrayList<>(folders);
        if (name != null) {
            user.add(Setting.cli("config.name", name + planned.nameSuffix(),
                    "--name" + (planned.nameSuffix().isEmpty() ? "" : " plus the job's suffix")));
        }
        user.addAll(overrides);
        RenderedConfig rendered = render(planned.settings(), user);
        if (rendered.name() == null || (name == null && !planned.nameSuffix().isEmpty())) {
            // ai-toolkit requires config.name; several jobs from one template need names of their own.
            String base = rendered.name() == null ? "aitk_lora" : rendered.name();
            user.add(Setting.cli("config.name", base + planned.nameSuffix(), rendered.name() == null
                    ? "the template has no config.name" : "the template's name plus the job's suffix"));
            rendered = render(planned.settings(), user);
        }
        List<Setting> kept = new ArrayList<>(user);
        kept.add(Setting.cli("config.name", rendered.name(), "the first attempt's name, so run.py resumes its "
                + "checkpoints"));
        return new Rendered(rendered,
                next -> render(PlannedJobs.toJobs(next).jobs().get(0).settings(), kept).yaml());
    }

    private RenderedConfig render(List<Setting> plan, List<Setting> user) {
        List<Setting> all = new ArrayList<>(plan);
        if (batchPerDataset) {
            plan.stream().filter(s -> s.keyPath().equals("train.batch_size")).findFirst().ifPresent(b -> all.add(
                    Setting.plan("datasets[*].batch_size", b.value(), "the template sets batch_size per dataset, "
                            + "which replaces train.batch_size (data_loader.py): the planned batch goes there too")));
        }
        all.addAll(user);
        return renderer.render(template, all);
    }
}
