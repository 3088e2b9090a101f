package dev.aitk.launcher.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;

/**
 * The one place SnakeYAML is set up for ai-toolkit configs: its node layer only (parser, composer, serializer,
 * emitter), since skipping the Yaml facade's constructor and representer keeps a cold start (every launch) fast,
 * plus the safe scalar rules when a caller wants Java values. Every document is composed under the same limits,
 * which stop hostile input (alias bombs, deep nesting, huge text) before anything walks it.
 */
public final class YamlIo {
    /** Read-only after construction, and building one costs milliseconds on a cold JVM: one per process. */
    private static final Resolver RESOLVER = new Resolver();
    static final int MAX_ALIASES_FOR_COLLECTIONS = 20;
    static final int MAX_NESTING_DEPTH = 40;
    static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

    private YamlIo() {
    }

    /**
     * The document's node tree, comments attached when {@code comments}; null for an empty document. Duplicate
     * keys stay in the tree (PyYAML's SafeLoader keeps the last one; readers of a key take the last one too).
     */
    public static Node compose(String text, boolean comments) {
        LoaderOptions options = new LoaderOptions();
        options.setProcessComments(comments);
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        return new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), RESOLVER, options)
                .getSingleNode();
    }

    /**
     * The Java value of a node under the safe scalar rules (YAML 1.1, as PyYAML's SafeLoader resolves them):
     * maps, lists, strings, numbers, booleans, null. Only standard tags exist after {@link #compose}.
     */
    public static Object construct(Node node) {
        return new Values().of(node);
    }

    /** The safe constructor, reached through its protected document entry point; one per document read. */
    static final class Values extends SafeConstructor {
        Values() {
            super(new LoaderOptions());
        }

        Object of(Node node) {
            return constructDocument(node);
        }
    }

    /** Block style, 2-space indent with indented sequences (as ai-toolkit's examples), comments kept. */
    public static String serialize(Node root) {
        DumperOptions options = new DumperOptions();
        options.setProcessComments(true);
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        // Long sample prompts stay on one line, as users wrote them.
        options.setWidth(4096);
        options.setAllowUnicode(true);
        options.setLineBreak(DumperOptions.LineBreak.UNIX);
        StringWriter out = new StringWriter();
        Serializer serializer = new Serializer(new Emitter(out, options), RESOLVER, options, null);
        try {
            serializer.open();
            serializer.serialize(root);
            serializer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Plain Java values (maps, lists, strings, numbers) as block YAML, in the same style as {@link #serialize}. */
    public static String dump(Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        return new Yaml(options).dump(value);
    }

    /** The scalar at {@code path} (mapping keys from the root), or null when absent or not a scalar. */
    public static String scalarAt(Node root, String... path) {
        Node node = root;
        for (String key : path) {
            if (!(node instanceof MappingNode map)) {
                return null;
            }
            Node next = null;
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    next = t.getValueNode();
                }
            }
            node = next;
        }
        return node instanceof ScalarNode s ? s.getValue() : null;
    }
}
