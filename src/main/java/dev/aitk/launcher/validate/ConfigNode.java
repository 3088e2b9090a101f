package dev.aitk.launcher.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One node of a parsed config with its absolute path ({@code config.process[0].train.lr}), its 1-based
 * line/column in the user's file, and its value as Python's YAML loader would see it.
 */
final class ConfigNode {
    private final ConfigTree tree;
    private final Node node;
    private final String path;
    private final int line;
    private final int column;

    ConfigNode(ConfigTree tree, Node node, String path) {
        this.tree = tree;
        this.node = node;
        this.path = path;
        int[] lc = tree.position(node);
        this.line = lc[0];
        this.column = lc[1];
    }

    String path() {
        return path;
    }

    int line() {
        return line;
    }

    int column() {
        return column;
    }

    /** True when the 1-based place (line, column) lies inside this node's text. */
    boolean contains(int atLine, int atColumn) {
        int[] end = tree.endPosition(node);
        boolean afterStart = atLine > line || atLine == line && atColumn >= column;
        boolean beforeEnd = atLine < end[0] || atLine == end[0] && atColumn < end[1];
        return afterStart && beforeEnd;
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /** The value as a Java object: String, Boolean, Long/Integer/BigInteger, Double, null; collections give null. */
    Object value() {
        return isScalar() ? tree.scalarValue((ScalarNode) node) : null;
    }

    boolean isNull() {
        return isScalar() && value() == null;
    }

    /** The scalar's text as written (after substitution). */
    String text() {
        return isScalar() ? ((ScalarNode) node).getValue() : null;
    }

    /** A string value, or null when the node is not a string scalar. */
    String string() {
        return value() instanceof String s ? s : null;
    }

    Boolean bool() {
        return value() instanceof Boolean b ? b : null;
    }

    /** A whole number (not a bool), or null. */
    Long integer() {
        Object v = value();
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 63) {
            return b.longValue();
        }
        return null;
    }

    /** Any number (int or float, not a bool), or null. */
    Double number() {
        Object v = value();
        if (v instanceof Number n && !(v instanceof java.math.BigInteger b && b.bitLength() >= 63)) {
            return n.doubleValue();
        }
        return null;
    }

    Optional<ConfigNode> get(String key) {
        if (!(node instanceof MappingNode m)) {
            return Optional.empty();
        }
        ConfigNode found = null;
        // Python's loader keeps the last of duplicate keys.
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && key.equals(k.getValue())) {
                found = tree.child(t.getValueNode(), childPath(key));
            }
        }
        return Optional.ofNullable(found);
    }

    boolean has(String key) {
        return get(key).isPresent();
    }

    /** Mapping entries in file order: key node (its path is the entry's path) and value node. */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                String p = childPath(key);
                out.add(new Entry(key, tree.child(t.getKeyNode(), p), tree.child(t.getValueNode(), p)));
            }
        }
        return out;
    }

    List<ConfigNode> items() {
        List<ConfigNode> out = new ArrayList<>();
        if (node instanceof SequenceNode s) {
            int i = 0;
            for (Node n : s.getValue()) {
                out.add(tree.child(n, path + "[" + i + "]"));
                i++;
            }
        }
        return out;
    }

    /** The node's items when it is a list, or the node itself when it is a single value. */
    List<ConfigNode> itemsOrSelf() {
        return isSequence() ? items() : List.of(this);
    }

    /** An explicit tag that is not one of YAML's standard types (e.g. {@code !!python/object}), or null. */
    String customTag() {
        String tag = node.getTag() == null ? null : node.getTag().getValue();
        if (tag == null || STANDARD_TAGS.contains(tag)) {
            return null;
        }
        return tag;
    }

    private static final java.util.Set<String> STANDARD_TAGS = java.util.Set.of(
            "str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary", "omap", "pairs", "set", "merge")
            .stream().map(t -> "tag:yaml.org,2002:" + t).collect(java.util.stream.Collectors.toUnmodifiableSet());

    String kindName() {
        if (isMapping()) {
            return "a mapping";
        }
        if (isSequence()) {
            return "a list";
        }
        Object v = value();
        if (v == null) {
            return "empty (null)";
        }
        if (v instanceof Boolean) {
            return "a boolean (" + text() + ")";
        }
        if (v instanceof Double) {
            return "a decimal number (" + text() + ")";
        }
        if (v instanceof Number) {
            return "a whole number (" + text() + ")";
        }
        if (v instanceof String) {
            return "a string (\"" + abbreviate(text()) + "\")";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    record Entry(String key, ConfigNode keyNode, ConfigNode value) {
    }
}
