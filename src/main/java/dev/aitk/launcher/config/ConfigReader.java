package dev.aitk.launcher.config;

import dev.aitk.launcher.util.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads ai-toolkit configs the way run.py does (toolkit/config.py get_config): UTF-8 text, every {@code ${VAR}}
 * replaced from the environment in the raw text before parsing (comments included), then YAML, or JSON for
 * .json/.jsonc, under the safe loader's types only. Every stage reads configs here, so a config that validates
 * is the config that is prefetched and launched. Problems are {@link ConfigUnreadable}: one sentence, the line
 * in the user's file, the fix.
 */
public final class ConfigReader {
    // Aliases let a small file describe a huge or endless tree; refuse both before anything walks it.
    static final int MAX_NODES = 200_000;

    private final Environment env;

    public ConfigReader(Environment env) {
        this.env = env;
    }

    /**
     * For every stage that acts on a config: as {@link #parse(Path)}, and an unset {@code ${VAR}} is refused at
     * its line, as run.py refuses it ("Environment variable X not set").
     */
    public ConfigDocument read(Path file) {
        return parse(file, true);
    }

    /** A config already in memory (a rendered one, still holding its placeholders), read as {@link #read(Path)}. */
    public ConfigDocument read(String text, String label) {
        return parse(text, label, false, true);
    }

    /**
     * For validate, which reports every problem: unset placeholders stay as written and are listed in
     * {@link ConfigDocument#unset()} instead of stopping the read.
     */
    public ConfigDocument parse(Path file) {
        return parse(file, false);
    }

    /**
     * For editing a config in place (migrate-data --config): the text as written, placeholders kept (they must
     * survive the rewrite) and comments attached.
     */
    public static ConfigDocument readForEditing(Path file) {
        return compose(SourceText.verbatim(ConfigFile.read(file)), file.toString(), true);
    }

    /**
     * The file run.py would read: with ai-toolkit's folder known, a relative name is looked up in its config/
     * folder first, also with .json/.jsonc/.yaml/.yml added, before the path itself.
     */
    public Path locate(Path config, Path toolkitRoot) {
        if (toolkitRoot != null && !config.isAbsolute()) {
            Path inConfigFolder = env.resolve(toolkitRoot).resolve("config").resolve(config.toString());
            if (Files.exists(inConfigFolder)) {
                return inConfigFolder;
            }
            for (String ext : List.of(".json", ".jsonc", ".yaml", ".yml")) {
                Path withExt = inConfigFolder.resolveSibling(inConfigFolder.getFileName() + ext);
                if (Files.exists(withExt)) {
                    return withExt;
                }
            }
        }
        return env.resolve(config);
    }

    private ConfigDocument parse(Path file, boolean strict) {
        String text = ConfigFile.read(file);
        // run.py decides by the name: .json/.jsonc are JSON, the rest YAML.
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return parse(text, file.toString(), name.endsWith(".json") || name.endsWith(".jsonc"), strict);
    }

    private ConfigDocument parse(String text, String label, boolean json, boolean strict) {
        SourceText source = SourceText.substitute(text, env.variables(), env.isWindows());
        if (strict) {
            // run.py substitutes before it parses, so an unset variable is the first thing it stops at.
            requireSet(source, label);
        }
        try {
            return compose(json ? source.withJsonTabsAsSpaces() : source, label, false);
        } catch (ConfigUnreadable e) {
            throw e.withUnset(label, source.unset());
        }
    }

    private static void requireSet(SourceText source, String label) {
        for (SourceText.Placeholder p : source.unset()) {
            throw ConfigUnreadable.unsetVariable(label, p);
        }
    }

    private static ConfigDocument compose(SourceText source, String label, boolean comments) {
        Node root;
        try {
            root = YamlIo.compose(source.substituted(), comments);
        } catch (MarkedYAMLException e) {
            throw syntaxError(source, label, e);
        } catch (YAMLException e) {
            throw limitFailure(label, e);
        } catch (StackOverflowError e) {
            throw new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config nests too deeply to read", null, null,
                    "an ai-toolkit config is a few levels deep; check that this is the right file");
        }
        if (root == null) {
            throw new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config is empty (no YAML document in it)", null, null,
                    "write the config: job, config.name, config.process (see config-templates/)");
        }
        ConfigDocument doc = new ConfigDocument(label, source, root);
        checkFinite(doc, root, new IdentityHashMap<>(), new int[] {0});
        return doc;
    }

    private static ConfigUnreadable syntaxError(SourceText source, String label, MarkedYAMLException e) {
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
            return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the tag '" + tag + "' at line " + line + ", column " + column
                    + " is not a standard YAML type, and ai-toolkit's safe YAML loader refuses it", line, column,
                    "remove the tag and write the plain value");
        }
        String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
        return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config is not valid YAML" + (line != null ? " at line " + line + ", column " + column : "")
                + ": " + oneLine(problem) + oneLine(context), line, column,
                "fix the syntax there: YAML indents with spaces (no tabs), and values that contain ': ' or start with '{', '[', '*', '&' or '!' need quotes");
    }

    private static ConfigUnreadable limitFailure(String label, YAMLException e) {
        String msg = String.valueOf(e.getMessage());
        String lower = msg.toLowerCase(Locale.ROOT);
        if (msg.contains("aliases")) {
            return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config uses more than " + YamlIo.MAX_ALIASES_FOR_COLLECTIONS
                    + " aliases to lists or mappings, which is how a YAML 'billion laughs' bomb grows; refusing to expand it",
                    null, null, "write the repeated parts out, or use fewer '*alias' references");
        }
        if (lower.contains("nesting depth")) {
            return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config nests lists and mappings more than " + YamlIo.MAX_NESTING_DEPTH
                    + " levels deep; an ai-toolkit config needs about 6", null, null, "check that this is the right file");
        }
        if (msg.contains("code points") || msg.contains("exceeds the limit")) {
            return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config is larger than " + YamlIo.MAX_CODE_POINTS
                    + " characters; an ai-toolkit config is a few KiB", null, null, "check that this is the right file");
        }
        if (lower.contains("recursive")) {
            return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config refers to itself through an alias (a recursive structure)", null, null,
                    "replace the recursive '*alias' with the values it stands for");
        }
        return new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, label, "the config cannot be read as YAML: " + oneLine(msg), null, null,
                "check that this is an ai-toolkit config in YAML or JSON");
    }

    private static void checkFinite(ConfigDocument doc, Node node, IdentityHashMap<Node, Boolean> onPath, int[] count) {
        if (++count[0] > MAX_NODES) {
            throw new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, doc.label(), "the config expands to more than " + MAX_NODES
                    + " values through aliases; refusing to expand it", null, null,
                    "write the repeated parts out, or use fewer '*alias' references");
        }
        if (node instanceof ScalarNode) {
            return;
        }
        if (onPath.put(node, Boolean.TRUE) != null) {
            TextPosition at = doc.position(node);
            throw new ConfigUnreadable(ConfigUnreadable.Kind.SYNTAX, doc.label(), "the config refers to itself through an alias (a recursive structure) at line "
                    + at.line() + ", column " + at.column(), at.line(), at.column(),
                    "replace the recursive '*alias' with the values it stands for");
        }
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                checkFinite(doc, t.getKeyNode(), onPath, count);
                checkFinite(doc, t.getValueNode(), onPath, count);
            }
        } else if (node instanceof SequenceNode s) {
            for (Node n : s.getValue()) {
                checkFinite(doc, n, onPath, count);
            }
        }
        onPath.remove(node);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
