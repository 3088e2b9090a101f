package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses {@code --set key.path=value}. The value is read as a YAML scalar or flow collection, so
 * {@code train.lr=5e-5} is a float, {@code train.batch_size=2} an int, {@code sample.prompts=[a, b]} a list
 * and {@code config.name=my lora} a string. Timestamps stay strings (ai-toolkit never reads a date).
 */
public final class Overrides {
    private Overrides() {
    }

    public static List<Setting> parse(List<String> assignments) {
        List<Setting> settings = new ArrayList<>();
        for (String assignment : assignments) {
            settings.add(parse(assignment));
        }
        return settings;
    }

    public static Setting parse(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new LauncherException(ExitCode.USAGE, "--set '" + assignment
                    + "' has no key; write --set key.path=value, e.g. --set train.lr=5e-5");
        }
        String key = assignment.substring(0, eq).trim();
        KeyPath.parse(key);
        String text = assignment.substring(eq + 1);
        return new Setting(key, value(key, text), "--set " + assignment, Setting.Origin.OVERRIDE);
    }

    /** The typed value of a --set right-hand side. */
    static Object value(String key, String text) {
        if (text.isBlank()) {
            return "";
        }
        Node node;
        try {
            node = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new LauncherException(ExitCode.USAGE, "--set " + key + "=" + text + " is not a YAML value ("
                    + firstLine(e.getMessage()) + "); quote it, e.g. --set '" + key + "=\"" + text.replace("\"", "\\\"") + "\"'");
        }
        if (node == null) {
            return null;
        }
        return toJava(node);
    }

    private static Object toJava(Node node) {
        if (node instanceof ScalarNode s) {
            Tag tag = s.getTag();
            String v = s.getValue();
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                return Boolean.valueOf(new Yaml().load(v).toString());
            }
            if (tag.equals(Tag.INT)) {
                Object n = new Yaml().load(v);
                return n;
            }
            if (tag.equals(Tag.FLOAT)) {
                Object n = new Yaml().load(v);
                return n instanceof Number num ? num.doubleValue() : n;
            }
            return v;
        }
        if (node instanceof SequenceNode seq) {
            List<Object> list = new ArrayList<>();
            for (Node item : seq.getValue()) {
                list.add(toJava(item));
            }
            return list;
        }
        MappingNode map = (MappingNode) node;
        Map<String, Object> result = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            Object k = toJava(t.getKeyNode());
            result.put(String.valueOf(k), toJava(t.getValueNode()));
        }
        return result;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return message.strip().split("\\R", 2)[0];
    }
}
