package dev.aitk.launcher.config;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The config stage: template + settings -> ai-toolkit YAML. Structural, not textual: the template is composed
 * into SnakeYAML nodes with its comments, each setting replaces or creates one node, and the tree is
 * serialized again, so the output is always valid YAML and the template's explanations survive.
 */
public final class ConfigRenderer {
    /** Scalars in the shipped templates that a user must replace (folders we cannot guess). */
    public static final String PLACEHOLDER_PREFIX = "/path/to/";

    public RenderedConfig render(ConfigTemplate template, List<Setting> settings) {
        Node root = compose(template);
        List<AppliedSetting> applied = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Integer> lastByPath = new LinkedHashMap<>();
        for (Setting setting : settings) {
            KeyPath path = KeyPath.parse(setting.keyPath());
            List<Target> targets = new ArrayList<>();
            List<String> created = new ArrayList<>();
            resolve(root, path, 0, setting, targets, created);
            String previous = null;
            boolean wasCreated = false;
            for (Target t : targets) {
                Node old = t.set(YamlNodes.of(setting.value()));
                if (old == null) {
                    wasCreated = true;
                } else if (previous == null) {
                    previous = YamlNodes.describe(old);
                }
            }
            for (String c : created) {
                notes.add(c + " was not in the template; created it for " + describe(setting));
            }
            if (wasCreated && created.isEmpty() && setting.origin() == Setting.Origin.OVERRIDE) {
                notes.add(path.absolute() + " was not in the template; created it for " + setting.reason()
                        + " (check the spelling if you meant an existing key)");
            }
            if (targets.isEmpty()) {
                notes.add(describe(setting) + " matched no entry (" + path.absolute() + " has no entries); nothing was set");
            }
            AppliedSetting a = new AppliedSetting(setting.keyPath(), path.absolute(), setting.value(), previous,
                    wasCreated && previous == null, setting.reason(), setting.origin(), null);
            Integer earlier = lastByPath.put(path.absolute(), applied.size());
            if (earlier != null) {
                applied.set(earlier, applied.get(earlier).overridden(setting.reason()));
            }
            applied.add(a);
        }
        notes.addAll(placeholders(root));
        String yaml = YamlIo.serialize(root);
        notes.addAll(environmentReferences(yaml));
        return new RenderedConfig(template.label(), YamlIo.scalarAt(root, "config", "name"), yaml, applied, notes);
    }

    private static String describe(Setting s) {
        return switch (s.origin()) {
            case OVERRIDE -> s.reason();
            case CLI -> s.keyPath() + " (" + s.reason() + ")";
            case PLAN -> "the plan's " + s.keyPath();
        };
    }

    private static Node compose(ConfigTemplate template) {
        Node root;
        try {
            root = YamlIo.compose(template.text(), true);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new LauncherException(ExitCode.INPUT_INVALID, "template " + template.label() + " is not valid YAML"
                    + where + " (" + e.getProblem() + "); fix the file or pick a shipped template with --template", e);
        } catch (YAMLException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "template " + template.label() + " is not valid YAML ("
                    + e.getMessage().strip().split("\\R", 2)[0] + "); fix the file or pick a shipped template with --template", e);
        }
        if (!(root instanceof MappingNode)) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "template " + template.label()
                    + " is not an ai-toolkit config (its top level must be a mapping with job: and config:); "
                    + "start from a shipped template, e.g. --template flux-dev-inpaint");
        }
        return root;
    }

    /** Where a setting lands: a mapping key or a sequence slot. */
    private record Target(Node parent, String key, int index) {
        /** Puts the value in place and returns the node it replaced, or null when the slot was created. */
        Node set(Node value) {
            if (parent instanceof MappingNode map) {
                List<NodeTuple> tuples = map.getValue();
                for (int i = 0; i < tuples.size(); i++) {
                    NodeTuple t = tuples.get(i);
                    if (key.equals(keyOf(t))) {
                        Node old = t.getValueNode();
                        keepComments(old, value);
                        tuples.set(i, new NodeTuple(t.getKeyNode(), value));
                        return old;
                    }
                }
                tuples.add(new NodeTuple(new ScalarNode(Tag.STR, key, null, null, DumperOptions.ScalarStyle.PLAIN), value));
                return null;
            }
            List<Node> items = ((SequenceNode) parent).getValue();
            if (index == items.size()) {
                items.add(value);
                return null;
            }
            Node old = items.get(index);
            keepComments(old, value);
            items.set(index, value);
            return old;
        }
    }

    /** The comment after a key ({@code lr: 1e-4  # learning rate}) explains the key, so it stays. */
    private static void keepComments(Node old, Node replacement) {
        if (old.getInLineComments() != null && replacement.getInLineComments() == null) {
            replacement.setInLineComments(old.getInLineComments());
        }
        if (old.getEndComments() != null && replacement.getEndComments() == null) {
            replacement.setEndComments(old.getEndComments());
        }
    }

    private static String keyOf(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
    }

    private void resolve(Node node, KeyPath path, int i, Setting setting, List<Target> targets, List<String> created) {
        List<KeyPath.Segment> segments = path.segments();
        KeyPath.Segment segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        if (segment.isKey()) {
            if (!(node instanceof MappingNode map)) {
                throw crossing(path, i, node, setting);
            }
            if (last) {
                targets.add(new Target(map, segment.key(), -1));
                return;
            }
            Node child = null;
            for (NodeTuple t : map.getValue()) {
                if (segment.key().equals(keyOf(t))) {
                    child = t.getValueNode();
                }
            }
            if (child == null || (child instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
                child = segments.get(i + 1).isKey()
                        ? new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK)
                        : new SequenceNode(Tag.SEQ, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
                new Target(map, segment.key(), -1).set(child);
                created.add(path.render(i + 1));
            }
            resolve(child, path, i + 1, setting, targets, created);
            return;
        }
        if (!(node instanceof SequenceNode seq)) {
            throw crossing(path, i, node, setting);
        }
        List<Node> items = seq.getValue();
        if (segment.everyEntry()) {
            for (int k = 0; k < items.size(); k++) {
                if (last) {
                    targets.add(new Target(seq, null, k));
                } else {
                    resolve(items.get(k), path, i + 1, setting, targets, created);
                }
            }
            return;
        }
        int index = segment.index();
        if (index > items.size()) {
            throw new LauncherException(ExitCode.USAGE, describe(setting) + ": " + path.render(i)
                    + " has " + items.size() + " entr" + (items.size() == 1 ? "y" : "ies") + ", so ["
                    + index + "] does not exist; use an index up to " + items.size() + " (" + items.size()
                    + " adds an entry) or [*] for every entry");
        }
        if (last) {
            targets.add(new Target(seq, null, index));
            return;
        }
        if (index == items.size()) {
            Node child = segments.get(i + 1).isKey()
                    ? new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK)
                    : new SequenceNode(Tag.SEQ, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
            items.add(child);
            created.add(path.render(i + 1));
        }
        resolve(items.get(index), path, i + 1, setting, targets, created);
    }

    private static LauncherException crossing(KeyPath path, int i, Node node, Setting setting) {
        String here = i == 0 ? "the document" : path.render(i);
        String kind = node instanceof ScalarNode s ? "the value '" + s.getValue() + "'"
                : node instanceof SequenceNode ? "a list (use [N] or [*] after it)" : "a mapping (use .key after it)";
        return new LauncherException(ExitCode.USAGE, describe(setting) + ": " + here + " is " + kind
                + ", so " + path.absolute() + " cannot be set inside it; check the key path against the template");
    }

    private static List<String> placeholders(Node root) {
        List<String> notes = new ArrayList<>();
        walk(root, "", notes);
        return notes;
    }

    private static void walk(Node node, String at, List<String> notes) {
        if (node instanceof ScalarNode s) {
            if (s.getValue().startsWith(PLACEHOLDER_PREFIX)) {
                String rel = at.startsWith("config.process[0].") ? at.substring("config.process[0].".length()) : at;
                // A placeholder with a file extension stands for a file (a sample's control image), else a folder.
                String kind = s.getValue().substring(s.getValue().lastIndexOf('/') + 1).contains(".") ? "FILE" : "DIR";
                notes.add(at + " is still the template's placeholder '" + s.getValue() + "'; set it with --set "
                        + rel + "=" + kind);
            }
        } else if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                String k = keyOf(t);
                walk(t.getValueNode(), at.isEmpty() ? String.valueOf(k) : at + "." + k, notes);
            }
        } else if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                walk(seq.getValue().get(i), at + "[" + i + "]", notes);
            }
        }
    }

    /** run.py replaces ${VAR} in the raw text, comments included, and stops when VAR is unset. */
    private static List<String> environmentReferences(String yaml) {
        List<String> notes = new ArrayList<>();
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int at = lines[i].indexOf("${");
            if (at >= 0 && lines[i].indexOf('}', at) > at) {
                notes.add("line " + (i + 1) + " contains " + lines[i].substring(at, lines[i].indexOf('}', at) + 1)
                        + ": ai-toolkit's run.py replaces it with that environment variable before parsing (comments "
                        + "included) and stops if it is unset");
            }
        }
        return notes;
    }
}
