package dev.aitk.launcher.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns plain Java values into SnakeYAML nodes for the renderer. Strings are tagged {@code str}, so the
 * emitter quotes any that would read back as something else ({@code '123'}, {@code 'yes'}) and leaves Windows
 * paths ({@code C:\data\set}) plain, where backslashes are literal. Lists of scalars are written in flow style
 * like ai-toolkit's examples ({@code [512, 768]}).
 */
public final class YamlNodes {
    private YamlNodes() {
    }

    static Node of(Object value) {
        if (value == null) {
            return scalar(Tag.NULL, "null");
        }
        if (value instanceof Boolean b) {
            return scalar(Tag.BOOL, b ? "true" : "false");
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return scalar(Tag.INT, value.toString());
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            return scalar(Tag.FLOAT, formatFloat(((Number) value).doubleValue()));
        }
        if (value instanceof Enum<?> e) {
            return scalar(Tag.STR, e.name().toLowerCase(Locale.ROOT));
        }
        if (value instanceof Map<?, ?> map) {
            List<NodeTuple> tuples = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                tuples.add(new NodeTuple(scalar(Tag.STR, String.valueOf(e.getKey())), of(e.getValue())));
            }
            return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
        }
        if (value instanceof Iterable<?> items) {
            List<Node> nodes = new ArrayList<>();
            boolean allScalars = true;
            for (Object item : items) {
                Node n = of(item);
                allScalars &= n instanceof ScalarNode;
                nodes.add(n);
            }
            return new SequenceNode(Tag.SEQ, nodes,
                    allScalars ? DumperOptions.FlowStyle.FLOW : DumperOptions.FlowStyle.BLOCK);
        }
        return scalar(Tag.STR, value.toString());
    }

    /**
     * A float both YAML 1.1 readers take as a float: PyYAML's default resolver needs a dot and a signed
     * exponent ({@code 5.0e-5}); ai-toolkit's loader (toolkit/config.py) also accepts {@code 5e-5}.
     */
    public static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        String s = Double.toString(d).toLowerCase(Locale.ROOT);
        int e = s.indexOf('e');
        if (e >= 0 && s.charAt(e + 1) != '-') {
            s = s.substring(0, e + 1) + "+" + s.substring(e + 1);
        }
        return s;
    }

    private static ScalarNode scalar(Tag tag, String value) {
        return new ScalarNode(tag, value, null, null, DumperOptions.ScalarStyle.PLAIN);
    }

    /** A value as it appears in the YAML, for reports: {@code 5.0e-5} rather than Java's {@code 5.0E-5}. */
    public static String display(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return formatFloat(((Number) value).doubleValue());
        }
        if (value instanceof String s) {
            return s.isEmpty() ? "\"\"" : s;
        }
        return String.valueOf(value);
    }

    /** A short one-line rendering of a node's value, for reports ("was 1e-4"). */
    static String describe(Node node) {
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        if (node instanceof SequenceNode seq) {
            List<String> parts = new ArrayList<>();
            for (Node n : seq.getValue()) {
                parts.add(describe(n));
            }
            return parts.toString();
        }
        return "{...}";
    }
}
