package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            node = YamlIo.compose(text, false);
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
            return scalar(s);
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
            result.put(String.valueOf(toJava(t.getKeyNode())), toJava(t.getValueNode()));
        }
        return result;
    }

    /**
     * A scalar as the YAML 1.1 resolver typed it. Forms Java cannot parse directly (sexagesimal, octal) stay
     * text: ai-toolkit never takes them, and the user sees the value reported as given.
     */
    private static Object scalar(ScalarNode s) {
        Tag tag = s.getTag();
        String v = s.getValue();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "y" -> Boolean.TRUE;
                default -> Boolean.FALSE;
            };
        }
        String digits = v.replace("_", "");
        try {
            if (tag.equals(Tag.INT)) {
                BigInteger n = digits.matches("[-+]?0x[0-9a-fA-F]+")
                        ? new BigInteger(digits.replaceFirst("0x", ""), 16) : new BigInteger(digits);
                return n.bitLength() < 32 ? (Object) n.intValue() : n.bitLength() < 64 ? (Object) n.longValue() : n;
            }
            if (tag.equals(Tag.FLOAT)) {
                String lower = digits.toLowerCase(Locale.ROOT);
                if (lower.endsWith(".inf")) {
                    return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                if (lower.equals(".nan")) {
                    return Double.NaN;
                }
                return Double.parseDouble(digits);
            }
        } catch (NumberFormatException unusual) {
            return v;
        }
        return v;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return message.strip().split("\\R", 2)[0];
    }
}
