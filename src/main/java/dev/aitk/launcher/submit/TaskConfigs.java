package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.config.ConfigDocument;
import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.config.ConfigUnreadable;
import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.Overrides;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the user's configs into one rendered config per array task, through the config stage's structural
 * renderer (comments kept): the sweep values, then the keys a scheduled run needs. Each task writes under the
 * submission's output folder with a name of its own ({@code config.name}, {@code training_folder}), so tasks
 * never share a checkpoint folder and a requeued task resumes its own checkpoints.
 */
final class TaskConfigs {
    private TaskConfigs() {
    }

    /**
     * One task per config and sweep point (every config with every combination of sweep values, configs
     * slowest); {@code dataset}, when given, replaces every dataset's folder. A swept run's name says its
     * values ({@code mylora-lr5e-5-linear32}); a name already taken gets the task's index.
     */
    static List<TaskSpec> fromConfigs(ConfigReader reader, List<Path> configs, List<List<SweepSetting>> points, Path dataset,
                                      Path outputDir, Path configsDir, List<String> notes) {
        List<TaskSpec> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (Path source : configs) {
            for (List<SweepSetting> point : points) {
                tasks.add(task(reader, source, point, i++, names, dataset, outputDir, configsDir, notes));
            }
        }
        return tasks;
    }

    private static TaskSpec task(ConfigReader reader, Path source, List<SweepSetting> point, int i, Set<String> names, Path dataset,
                                 Path outputDir, Path configsDir, List<String> notes) {
        Map<String, Object> original = map(read(source, () -> reader.read(source)), source, "the document");
        firstProcess(map(original.get("config"), source, "config"), source);
        List<Setting> settings = new ArrayList<>();
        for (SweepSetting s : point) {
            Setting parsed = Overrides.parse(s.key() + "=" + s.value());
            settings.add(new Setting(parsed.keyPath(), parsed.value(), "--sweep " + s, Setting.Origin.OVERRIDE));
        }
        Map<String, Object> config = map(original.get("config"), source, "config");
        String name = config.get("name") instanceof String s && !s.isBlank() ? s : stem(source);
        StringBuilder swept = new StringBuilder(name);
        for (SweepSetting s : point) {
            String leaf = s.key().substring(s.key().lastIndexOf('.') + 1).replaceAll("\\[.*", "");
            swept.append('-').append(leaf).append(s.value());
        }
        name = safeName(swept.toString());
        if (!names.add(name)) {
            name = name + "-" + i;
            names.add(name);
        }
        settings.add(Setting.cli("config.name", name, "each array task has a run name of its own"));
        settings.add(Setting.cli("training_folder", outputDir.toString(), "--output"));
        if (dataset != null) {
            settings.add(Setting.cli("datasets[*].folder_path", dataset.toString(), "--dataset"));
        }
        RenderedConfig rendered = new ConfigRenderer().render(ConfigTemplate.file(source), settings);
        for (String note : rendered.notes()) {
            String located = source.getFileName() + ": " + note;
            if (!notes.contains(located)) {
                notes.add(located);
            }
        }
        // The rendered task keeps the user's ${VAR} placeholders (run.py fills them on the node); the model it
        // names is read with them filled in, as run.py will.
        Map<String, Object> root = map(read(source, () -> reader.read(rendered.yaml(), source.toString())), source, "the document");
        String model = modelOf(firstProcess(map(root.get("config"), source, "config"), source), source);
        Path target = configsDir.resolve(String.format(Locale.ROOT, "task-%03d.yaml", i));
        AtomicFiles.write(target, rendered.yaml(), false);
        return new TaskSpec(i, name, target, outputDir.resolve(name), model, point);
    }

    /** The config as Java values, its problems framed for submit: nothing is queued until it is fixed. */
    private static Object read(Path source, Supplier<ConfigDocument> reading) {
        try {
            return reading.get().plain();
        } catch (ConfigUnreadable e) {
            String where = e.line() == null ? source + ": " : source + ":" + e.line() + ": ";
            throw new LauncherException(ExitCode.INPUT_INVALID, switch (e.kind()) {
                case FILE -> "cannot read the config " + source + ": " + e.problem() + "; " + e.fix();
                case SYNTAX -> where + "not valid YAML (" + e.problem() + "); fix the config and submit again";
                case UNSET_VARIABLE -> e.getMessage();
            }, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, Path source, String what) {
        if (node instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new LauncherException(ExitCode.INPUT_INVALID, source + ": " + what
                + " is not a mapping; an ai-toolkit config looks like 'job: extension' / 'config: {name: ..., process: [...]}'");
    }

    private static Map<String, Object> firstProcess(Map<String, Object> config, Path source) {
        if (config.get("process") instanceof List<?> list && !list.isEmpty()) {
            return map(list.get(0), source, "config.process[0]");
        }
        throw new LauncherException(ExitCode.INPUT_INVALID, source
                + ": config.process is missing or empty; an ai-toolkit config needs at least one process entry");
    }

    private static String modelOf(Map<String, Object> process, Path source) {
        if (process.get("model") instanceof Map<?, ?> model && model.get("name_or_path") instanceof String id
                && !id.isBlank()) {
            return id;
        }
        throw new LauncherException(ExitCode.INPUT_INVALID, source
                + ": config.process[0].model.name_or_path is missing; set the model, e.g. black-forest-labs/FLUX.1-dev");
    }

    private static String stem(Path source) {
        String file = source.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** A run name becomes a folder and a file prefix on every node: keep it to portable characters. */
    static String safeName(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_.\\-]+", "_").replaceAll("^[._-]+", "");
        return cleaned.isEmpty() ? "run" : cleaned;
    }
}
