package dev.aitk.launcher.submit;

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
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Turns the user's configs into one rendered config per array task. Structural: load, set the keys a
 * scheduled run needs, dump. Each task writes under the submission's output folder with a name of its own
 * ({@code config.name}, {@code training_folder}), so tasks never share a checkpoint folder and a requeued
 * task resumes its own checkpoints.
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
                                      Path outputDir, Path configsDir) {
        List<TaskSpec> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (Path source : configs) {
            for (List<SweepSetting> point : points) {
                tasks.add(task(source, point, i++, names, dataset, outputDir, configsDir));
            }
        }
        return tasks;
    }

    private static TaskSpec task(Path source, List<SweepSetting> point, int i, Set<String> names, Path dataset,
                                 Path outputDir, Path configsDir) {
        Map<String, Object> root = load(source);
        for (SweepSetting s : point) {
            KeyPathSetter.set(root, s.key(), s.value());
        }
        Map<String, Object> config = map(root.get("config"), source, "config");
        Map<String, Object> process = firstProcess(config, source);
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
        config.put("name", name);
        process.put("training_folder", outputDir.toString());
        if (dataset != null) {
            Object datasets = process.get("datasets");
            if (datasets instanceof List<?> list) {
                for (Object entry : list) {
                    if (entry instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> d = (Map<String, Object>) m;
                        d.put("folder_path", dataset.toString());
                    }
                }
            }
        }
        String model = modelOf(process, source);
        Path target = configsDir.resolve(String.format(Locale.ROOT, "task-%03d.yaml", i));
        AtomicFiles.write(target, dump(root), false);
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

    static String dump(Map<String, Object> root) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(4096);
        return new Yaml(new Representer(options), options).dump(root);
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
