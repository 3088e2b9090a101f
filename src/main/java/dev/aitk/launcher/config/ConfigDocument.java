package dev.aitk.launcher.config;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * An ai-toolkit config as run.py reads it: the node tree of the text after {@code ${VAR}} substitution, with
 * every node's place mapped back to the user's file. Made by {@link ConfigReader}; only standard YAML types.
 */
public final class ConfigDocument {
    private static final Object NULL = new Object();

    private final String label;
    private final SourceText source;
    private final Node root;
    private final Map<ScalarNode, Object> scalarCache = new IdentityHashMap<>();
    private final YamlIo.Values values = new YamlIo.Values();

    ConfigDocument(String label, SourceText source, Node root) {
        this.label = label;
        this.source = source;
        this.root = root;
    }

    /** The file as messages name it. */
    public String label() {
        return label;
    }

    public Node root() {
        return root;
    }

    public SourceText source() {
        return source;
    }

    /** The {@code ${NAME}} placeholders whose variable is not set (left as written); empty after a strict read. */
    public List<SourceText.Placeholder> unset() {
        return source.unset();
    }

    /** Where the node starts in the user's file. */
    public TextPosition position(Node node) {
        return at(node.getStartMark());
    }

    /** Where the node ends in the user's file. */
    public TextPosition endPosition(Node node) {
        return node.getEndMark() == null ? position(node) : at(node.getEndMark());
    }

    private TextPosition at(Mark mark) {
        if (mark == null) {
            return new TextPosition(1, 1);
        }
        int[] lc = source.toOriginal(mark.getLine(), mark.getColumn());
        return new TextPosition(lc[0], lc[1]);
    }

    /** The scalar at {@code path} (mapping keys from the root), or null when absent or not a scalar. */
    public String scalarAt(String... path) {
        return YamlIo.scalarAt(root, path);
    }

    /** The whole document as Java values (maps, lists, strings, numbers, booleans, null), as PyYAML builds it. */
    public Object plain() {
        return YamlIo.construct(root);
    }

    /**
     * One scalar's Java value under the same rules; a scalar whose standard tag does not fit its text
     * ({@code !!int abc}) keeps the text. Cached: validate asks for the same scalars many times.
     */
    public Object value(ScalarNode node) {
        Object v = scalarCache.get(node);
        if (v == null) {
            try {
                v = values.of(node);
            } catch (RuntimeException e) {
                v = node.getValue();
            }
            scalarCache.put(node, v == null ? NULL : v);
        }
        return v == NULL ? null : v;
    }
}
