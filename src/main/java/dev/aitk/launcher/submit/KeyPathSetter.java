package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Sets one sweep value in a loaded config, by the key path syntax plan, config and validate share:
 * relative to {@code config.process[0]} ({@code train.lr}, {@code datasets[*].resolution}) or from the root
 * when it starts with {@code job}, {@code config} or {@code meta}. The value is read as YAML, so
 * {@code 16} is a number, {@code true} a boolean and {@code [512, 768]} a list, as in the config itself.
 */
final class KeyPathSetter {
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_\\-]*)((?:\\[(?:\\d+|\\*)])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+|\\*)]");

    private KeyPathSetter() {
    }

    static void set(Map<String, Object> root, String keyPath, String valueText) {
        Object value = parseValue(keyPath, valueText);
        List<Object> steps = parse(keyPath);
        String first = (String) steps.get(0);
        if (!first.equals("job") && !first.equals("config") && !first.equals("meta")) {
            List<Object> absolute = new ArrayList<>(List.of("config", "process", 0));
            absolute.addAll(steps);
            steps = absolute;
        }
        setAt(root, steps, 0, value, keyPath);
    }

    /** Keys (String), indexes (Integer) and "every entry" (the string "*" after a list key). */
    static List<Object> parse(String keyPath) {
        List<Object> steps = new ArrayList<>();
        for (String part : keyPath.split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                throw new LauncherException(ExitCode.USAGE, "--sweep key '" + keyPath
                        + "' is not a key path; use dotted keys with [n] or [*] indexes, e.g. train.lr or datasets[*].resolution");
            }
            steps.add(m.group(1));
            Matcher index = INDEX.matcher(m.group(2));
            while (index.find()) {
                steps.add(index.group(1).equals("*") ? (Object) new Every() : Integer.valueOf(index.group(1)));
            }
        }
        return steps;
    }

    private record Every() {
    }

    @SuppressWarnings("unchecked")
    private static void setAt(Object node, List<Object> steps, int i, Object value, String keyPath) {
        Object step = steps.get(i);
        boolean last = i == steps.size() - 1;
        if (step instanceof String key) {
            if (!(node instanceof Map<?, ?>)) {
                throw notThere(keyPath, steps, i, "is not a mapping");
            }
            Map<String, Object> map = (Map<String, Object>) node;
            if (last) {
                map.put(key, value);
                return;
            }
            Object child = map.get(key);
            if (child == null) {
                if (!(steps.get(i + 1) instanceof String)) {
                    throw notThere(keyPath, steps, i + 1, "does not exist");
                }
                child = new LinkedHashMap<String, Object>();
                map.put(key, child);
            }
            setAt(child, steps, i + 1, value, keyPath);
            return;
        }
        if (!(node instanceof List<?>)) {
            throw notThere(keyPath, steps, i, "is not a list");
        }
        List<Object> list = (List<Object>) node;
        if (step instanceof Every) {
            for (int k = 0; k < list.size(); k++) {
                if (last) {
                    list.set(k, value);
                } else {
                    setAt(list.get(k), steps, i + 1, value, keyPath);
                }
            }
            return;
        }
        int index = (Integer) step;
        if (index >= list.size()) {
            throw notThere(keyPath, steps, i, "has " + list.size() + (list.size() == 1 ? " entry" : " entries")
                    + ", so [" + index + "] does not exist");
        }
        if (last) {
            list.set(index, value);
        } else {
            setAt(list.get(index), steps, i + 1, value, keyPath);
        }
    }

    private static LauncherException notThere(String keyPath, List<Object> steps, int upTo, String problem) {
        StringBuilder where = new StringBuilder();
        for (int k = 0; k < upTo; k++) {
            Object s = steps.get(k);
            if (s instanceof String key) {
                where.append(where.length() == 0 ? "" : ".").append(key);
            } else {
                where.append('[').append(s instanceof Every ? "*" : s).append(']');
            }
        }
        return new LauncherException(ExitCode.INPUT_INVALID, "--sweep " + keyPath + ": " + where + " " + problem
                + " in the config; check the key path against the config");
    }

    private static Object parseValue(String keyPath, String text) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new LauncherException(ExitCode.USAGE, "--sweep " + keyPath + "=" + text
                    + ": the value is not valid YAML; quote it or write it as in the config");
        }
    }
}
