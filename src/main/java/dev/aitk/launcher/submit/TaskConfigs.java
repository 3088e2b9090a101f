package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.Overrides;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

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
    static List<TaskSpec> fromConfigs(List<Path> configs, List<List<SweepSetting>> points, Path dataset,
                                      Path outputDir, Path configsDir, List<String> notes) {
        List<TaskSpec> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (Path source : configs) {
            for (List<SweepSetting> point : points) {
                tasks.add(task(source, point, i++, names, dataset, outputDir, configsDir, notes));
            }
        }
        return tasks;
    }

    private static TaskSpec task(Path source, List<SweepSetting> point, int i, Set<String> names, Path dataset,
                                 Path outputDir, Path configsDir, List<String> notes) {
        Map<String, Object> original = load(source);
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
        Map<String, Object> root = parse(rendered.yaml(), source);
        String model = modelOf(firstProcess(map(root.get("config"), source, "config"), source), source);
        Path target = configsDir.resolve(String.format(Locale.ROOT, "task-%03d.yaml", i));
        AtomicFiles.write(target, rendered.yaml(), false);
        return new TaskSpec(i, name, target, outputDir.resolve(name), model, point);
    }

    static Map<String, Object> load(Path source) {
        String text;
        try {
            text = Files.readString(source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot read the config " + source + ": "
                    + e.getMessage() + "; check the path");
        }
        return parse(text, source);
    }

    private static Map<String, Object> parse(String text, Path source) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new LauncherException(ExitCode.INPUT_INVALID, source + ":" + line + ": not valid YAML ("
                    + e.getProblem() + "); fix the config and submit again");
        } catch (YAMLException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, source + ": not valid YAML (" + e.getMessage()
                    + "); fix the config and submit again");
        }
        return map(doc, source, "the document");
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
