package dev.aitk.launcher.data;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import dev.aitk.launcher.config.AppliedSetting;
import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.config.ConfigUnreadable;
import dev.aitk.launcher.util.FileReplacement;
import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Writes a {@link DatasetBlock} into an existing ai-toolkit config: checked here (readable YAML, a process to add
 * the dataset to, a sensible index), set through the config stage's structural renderer (only
 * {@code config.process[0].datasets[i]} and {@code trigger_word} change; comments stay), and written atomically
 * after the old file is kept as {@code <name>.bak}.
 */
public final class ConfigUpdater {
    /**
     * @param datasetPath the entry that was set, as {@code config.process[0].datasets[0]}
     * @param keysSet     the keys written into it (and {@code config.process[0].trigger_word} when set)
     */
    public record Result(String config, String backup, String datasetPath, List<String> keysSet) {
    }

    private ConfigUpdater() {
    }

    /** Checks that {@link #update} can work on this config, before anything is migrated. */
    public static void check(Path config, int datasetIndex) {
        datasets(config, processZero(config, read(config)), datasetIndex);
    }

    /**
     * Sets the dataset entry {@code datasetIndex} (appends it when the index is one past the end) through the config
     * stage's structural renderer, so a config migrate-data touches is written the way every rendered config is.
     * With {@code sampleControlImage}, the preview samples' control images that are still a template's placeholder
     * point at it (Kontext stops at its first sample without one; FLUX.2 would sample without the reference).
     */
    public static Result update(Path config, DatasetBlock block, int datasetIndex, Path sampleControlImage) {
        MappingNode process = processZero(config, read(config));
        datasets(config, process, datasetIndex);
        List<Setting> settings = new ArrayList<>();
        if (sampleControlImage != null) {
            for (String key : placeholderSampleControls(process)) {
                settings.add(Setting.cli(key, sampleControlImage.toString(), "migrate-data: a migrated masked image for the preview samples"));
            }
        }
        String prefix = "datasets[" + datasetIndex + "].";
        for (Map.Entry<String, Object> e : block.entry().entrySet()) {
            settings.add(Setting.cli(prefix + e.getKey(), String.valueOf(e.getValue()), "migrate-data"));
        }
        block.triggerWordIfSet().ifPresent(t -> settings.add(Setting.cli("trigger_word", t, "migrate-data --trigger")));
        RenderedConfig rendered = new ConfigRenderer().render(ConfigTemplate.file(config), settings);
        // --config names the file to update, which is consent to replace it: an edited one is kept as .bak.
        Path backup = FileReplacement.writeAll(List.of(new FileReplacement.Planned(config, rendered.yaml())), true, "")
                .get(0).backup();
        List<String> keys = rendered.applied().stream().map(AppliedSetting::absolutePath).toList();
        return new Result(config.toString(), backup == null ? null : backup.toString(),
                "config.process[0].datasets[" + datasetIndex + "]", keys);
    }

    /** The datasets list (created when absent) after checking that the index names an entry or one past the end. */
    private static SequenceNode datasets(Path config, MappingNode process, int datasetIndex) {
        Node datasetsNode = get(process, "datasets");
        SequenceNode datasets;
        if (datasetsNode == null) {
            datasets = new SequenceNode(Tag.SEQ, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
            process.getValue().add(new NodeTuple(scalar("datasets"), datasets));
        } else if (datasetsNode instanceof SequenceNode s) {
            datasets = s;
        } else {
            throw invalid(config, datasetsNode.getStartMark(), "config.process[0].datasets is not a list");
        }
        if (datasetIndex < 0 || datasetIndex > datasets.getValue().size()) {
            throw new LauncherException(ExitCode.USAGE, "--dataset-index " + datasetIndex + " is out of range: " + config
                    + " has " + datasets.getValue().size() + " dataset entries (use 0.." + datasets.getValue().size() + ")");
        }
        if (datasetIndex < datasets.getValue().size() && !(datasets.getValue().get(datasetIndex) instanceof MappingNode)) {
            throw invalid(config, datasets.getValue().get(datasetIndex).getStartMark(),
                    "config.process[0].datasets[" + datasetIndex + "] is not a mapping");
        }
        return datasets;
    }

    /** The config as written (placeholders kept: the file is written back), through the one config reader. */
    private static MappingNode read(Path config) {
        Node root;
        try {
            root = ConfigReader.readForEditing(config).root();
        } catch (ConfigUnreadable e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "--config " + e.getMessage(), e);
        }
        if (!(root instanceof MappingNode map)) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "--config " + config + " is not a YAML mapping with job and config keys");
        }
        return map;
    }

    /** {@code sample.samples[i].ctrl_img(_N)} keys whose value is a template placeholder ('/path/to/...'). */
    private static List<String> placeholderSampleControls(MappingNode process) {
        List<String> keys = new ArrayList<>();
        if (get(process, "sample") instanceof MappingNode sample && get(sample, "samples") instanceof SequenceNode samples) {
            for (int i = 0; i < samples.getValue().size(); i++) {
                if (samples.getValue().get(i) instanceof MappingNode entry) {
                    for (String key : List.of("ctrl_img", "ctrl_img_1", "ctrl_img_2", "ctrl_img_3")) {
                        if (get(entry, key) instanceof ScalarNode v && v.getValue().startsWith(ConfigRenderer.PLACEHOLDER_PREFIX)) {
                            keys.add("sample.samples[" + i + "]." + key);
                        }
                    }
                }
            }
        }
        return keys;
    }

    private static MappingNode processZero(Path config, MappingNode root) {
        Node cfg = get(root, "config");
        if (!(cfg instanceof MappingNode cfgMap)) {
            throw invalid(config, root.getStartMark(), "has no config mapping; is it an ai-toolkit config?");
        }
        Node process = get(cfgMap, "process");
        if (!(process instanceof SequenceNode list) || list.getValue().isEmpty()
                || !(list.getValue().get(0) instanceof MappingNode first)) {
            throw invalid(config, cfgMap.getStartMark(), "has no config.process list with a first entry to add the dataset to");
        }
        return first;
    }

    private static LauncherException invalid(Path config, Mark mark, String what) {
        String where = mark == null ? "" : ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
        return new LauncherException(ExitCode.INPUT_INVALID, "--config " + config + where + " " + what);
    }

    private static Node get(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static ScalarNode scalar(String value) {
        // Plain style where YAML allows it; the emitter quotes values that would otherwise read as numbers or booleans.
        return new ScalarNode(Tag.STR, value, null, null, DumperOptions.ScalarStyle.PLAIN);
    }
}
