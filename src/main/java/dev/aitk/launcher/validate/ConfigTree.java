package dev.aitk.launcher.validate;

import java.io.StringReader;
import java.util.IdentityHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A config parsed safely into nodes that keep their place in the file. Only the standard YAML types are
 * built (no tags that create objects), and the limits stop hostile documents: alias bombs, deep nesting,
 * huge input, recursive structures.
 */
final class ConfigTree {
    static final int MAX_ALIASES_FOR_COLLECTIONS = 20;
    static final int MAX_NESTING_DEPTH = 40;
    static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

    private final SourceText source;
    private final Node root;
    private final Values values = new Values();

    private ConfigTree(SourceText source, Node root) {
        this.source = source;
        this.root = root;
    }

    /** Thrown when the text is not a YAML document the launcher will read; the message is one sentence. */
    static final class ParseFailure extends Exception {
        private final Integer line;
        private final Integer column;
        private final String fix;

        ParseFailure(String message, Integer line, Integer column, String fix) {
            super(message);
            this.line = line;
            this.column = column;
            this.fix = fix;
        }

        Integer line() {
            return line;
        }

        Integer column() {
            return column;
        }

        String fix() {
            return fix;
        }
    }

    static ConfigTree parse(SourceText source) throws ParseFailure {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowDuplicateKeys(true);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Node root;
        try {
            root = yaml.compose(new StringReader(source.substituted()));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Integer line = null;
            Integer column = null;
            if (mark != null) {
                int[] lc = source.toOriginal(mark.getLine(), mark.getColumn());
                line = lc[0];
                column = lc[1];
            }
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (problem != null && problem.startsWith("Global tag is not allowed")) {
                String tag = problem.substring(problem.indexOf(':') + 1).trim().replace("tag:yaml.org,2002:", "!!");
                throw new ParseFailure("the tag '" + tag + "' at line " + line + ", column " + column
                        + " is not a standard YAML type, and ai-toolkit's safe YAML loader refuses it", line, column,
                        "remove the tag and write the plain value");
            }
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            throw new ParseFailure("the config is not valid YAML" + (line != null ? " at line " + line + ", column " + column : "")
                    + ": " + oneLine(problem) + oneLine(context),
                    line, column, "fix the syntax there: YAML indents with spaces (no tabs), and values that contain ': ' or start with '{', '[', '*', '&' or '!' need quotes");
        } catch (YAMLException e) {
            throw limitFailure(e);
        } catch (StackOverflowError e) {
            throw new ParseFailure("the config nests too deeply to read", null, null,
                    "an ai-toolkit config is a few levels deep; check that this is the right file");
        }
        if (root == null) {
            throw new ParseFailure("the config is empty (no YAML document in it)", null, null,
                    "write the config: job, config.name, config.process (see config-templates/)");
        }
        ConfigTree tree = new ConfigTree(source, root);
        tree.checkFinite(root, new IdentityHashMap<>(), new int[] {0});
        return tree;
    }

    private static ParseFailure limitFailure(YAMLException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("aliases")) {
            return new ParseFailure("the config uses more than " + MAX_ALIASES_FOR_COLLECTIONS
                    + " aliases to lists or mappings, which is how a YAML 'billion laughs' bomb grows; refusing to expand it",
                    null, null, "write the repeated parts out, or use fewer '*alias' references");
        }
        if (msg.toLowerCase(java.util.Locale.ROOT).contains("nesting depth")) {
            return new ParseFailure("the config nests lists and mappings more than " + MAX_NESTING_DEPTH
                    + " levels deep; an ai-toolkit config needs about 6", null, null, "check that this is the right file");
        }
        if (msg.contains("code points") || msg.contains("exceeds the limit")) {
            return new ParseFailure("the config is larger than " + MAX_CODE_POINTS + " characters; an ai-toolkit config is a few KiB",
                    null, null, "check that this is the right file");
        }
        if (msg.toLowerCase(java.util.Locale.ROOT).contains("recursive")) {
            return new ParseFailure("the config refers to itself through an alias (a recursive structure)", null, null,
                    "replace the recursive '*alias' with the values it stands for");
        }
        return new ParseFailure("the config cannot be read as YAML: " + oneLine(msg), null, null,
                "check that this is an ai-toolkit config in YAML or JSON");
    }

    // Aliases let a small file describe a huge or endless tree; refuse both before anything walks it.
    private static final int MAX_NODES = 200_000;

    private void checkFinite(Node node, IdentityHashMap<Node, Boolean> onPath, int[] count) throws ParseFailure {
        if (++count[0] > MAX_NODES) {
            throw new ParseFailure("the config expands to more than " + MAX_NODES
                    + " values through aliases; refusing to expand it", null, null,
                    "write the repeated parts out, or use fewer '*alias' references");
        }
        if (node instanceof ScalarNode) {
            return;
        }
        if (onPath.put(node, Boolean.TRUE) != null) {
            int[] lc = position(node);
            throw new ParseFailure("the config refers to itself through an alias (a recursive structure) at line "
                    + lc[0] + ", column " + lc[1], lc[0], lc[1], "replace the recursive '*alias' with the values it stands for");
        }
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                checkFinite(t.getKeyNode(), onPath, count);
                checkFinite(t.getValueNode(), onPath, count);
            }
        } else if (node instanceof SequenceNode s) {
            for (Node n : s.getValue()) {
                checkFinite(n, onPath, count);
            }
        }
        onPath.remove(node);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    ConfigNode root() {
        return new ConfigNode(this, root, "");
    }

    ConfigNode child(Node node, String path) {
        return new ConfigNode(this, node, path);
    }

    SourceText source() {
        return source;
    }

    int[] endPosition(Node node) {
        Mark m = node.getEndMark();
        if (m == null) {
            return position(node);
        }
        return source.toOriginal(m.getLine(), m.getColumn());
    }

    int[] position(Node node) {
        Mark m = node.getStartMark();
        if (m == null) {
            return new int[] {1, 1};
        }
        return source.toOriginal(m.getLine(), m.getColumn());
    }

    private final Map<ScalarNode, Object> scalarCache = new IdentityHashMap<>();
    private static final Object NULL = new Object();

    Object scalarValue(ScalarNode node) {
        Object v = scalarCache.get(node);
        if (v == null) {
            try {
                v = values.of(node);
            } catch (RuntimeException e) {
                // A scalar with a standard tag whose text does not fit it (e.g. '!!int abc'): keep the text.
                v = node.getValue();
            }
            scalarCache.put(node, v == null ? NULL : v);
        }
        return v == NULL ? null : v;
    }

    /** The safe constructor's scalar rules (YAML 1.1, as PyYAML's SafeLoader resolves them). */
    private static final class Values extends SafeConstructor {
        Values() {
            super(new LoaderOptions());
        }

        Object of(ScalarNode node) {
            return constructObject(node);
        }
    }
}
