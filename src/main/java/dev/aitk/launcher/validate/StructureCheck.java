package dev.aitk.launcher.validate;

import dev.aitk.launcher.validate.Schema.Key;
import dev.aitk.launcher.validate.Schema.Kind;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Types and ranges of the keys a FLUX LoRA run uses, unknown keys (warnings, with "did you mean"), YAML tags
 * Python's safe loader refuses, and duplicate keys.
 */
final class StructureCheck {
    /** Process types whose keys this launcher checks: the trainers a FLUX LoRA run uses. */
    static final Set<String> CHECKED_PROCESS_TYPES = Set.of("sd_trainer", "ui_trainer", "diffusion_trainer");

    // Names other trainers (kohya sd-scripts, diffusers scripts) use for keys ai-toolkit spells differently.
    private static final Map<String, String> OTHER_TRAINERS_NAMES = Map.ofEntries(
            Map.entry("learning_rate", "lr"), Map.entry("max_train_steps", "steps"), Map.entry("train_batch_size", "batch_size"),
            Map.entry("optimizer_type", "optimizer"), Map.entry("network_dim", "linear"), Map.entry("network_alpha", "linear_alpha"),
            Map.entry("mixed_precision", "dtype"), Map.entry("pretrained_model_name_or_path", "name_or_path"),
            Map.entry("train_data_dir", "folder_path"), Map.entry("caption_extension", "caption_ext"),
            Map.entry("save_every_n_steps", "save_every"), Map.entry("save_model_as", "save_format"));

    private final Findings findings;

    StructureCheck(Findings findings) {
        this.findings = findings;
    }

    void check(ConfigNode root) {
        scanTagsAndDuplicates(root);
        section(root, "");
        root.get("config").filter(ConfigNode::isMapping).ifPresent(config -> {
            section(config, "config");
            config.get("process").filter(ConfigNode::isSequence).ifPresent(list -> {
                for (ConfigNode process : list.items()) {
                    if (!process.isMapping()) {
                        findings.error(process, "each process entry must be a mapping (type, model, train, ...), but this is "
                                + process.kindName(), "write the process as 'key: value' lines under '- type: sd_trainer'");
                        continue;
                    }
                    String type = process.get("type").map(ConfigNode::string).orElse(null);
                    if (type != null && !CHECKED_PROCESS_TYPES.contains(type)) {
                        continue;
                    }
                    processEntry(process);
                }
            });
        });
    }

    private void processEntry(ConfigNode process) {
        section(process, "process");
        for (String name : List.of("network", "save", "train", "model", "sample", "logging")) {
            process.get(name).filter(ConfigNode::isMapping).ifPresent(n -> section(n, name));
        }
        process.get("train").flatMap(t -> t.get("ema_config")).filter(ConfigNode::isMapping)
                .ifPresent(n -> section(n, "train.ema_config"));
        process.get("datasets").filter(ConfigNode::isSequence).ifPresent(list -> {
            for (ConfigNode d : list.items()) {
                if (d.isMapping()) {
                    section(d, "datasets[]");
                } else {
                    findings.error(d, "each dataset entry must be a mapping (folder_path, caption_ext, ...), but this is "
                            + d.kindName(), "write the dataset as '- folder_path: /path/to/images' with its keys below");
                }
            }
        });
    }

    private void section(ConfigNode mapping, String sectionName) {
        Map<String, Key> keys = Schema.SECTIONS.get(sectionName);
        for (ConfigNode.Entry e : mapping.entries()) {
            Key key = keys.get(e.key());
            if (key == null) {
                String suggestion = Suggest.closest(e.key(), keys.keySet());
                String alias = OTHER_TRAINERS_NAMES.get(e.key());
                if (suggestion == null && alias != null && keys.containsKey(alias)) {
                    suggestion = alias;
                }
                findings.warning(e.keyNode(), "'" + e.key() + "'" + (sectionName.isEmpty() ? "" : " in " + sectionName.replace("[]", ""))
                                + " is not checked by this launcher; ai-toolkit ignores it unless it reads that key"
                                + (suggestion != null ? ": did you mean '" + suggestion + "'?" : ""),
                        suggestion != null ? "rename it to '" + suggestion + "' if that is what you meant" : "check its spelling against ai-toolkit's config examples");
                continue;
            }
            value(key, e.value());
        }
    }

    private void value(Key key, ConfigNode v) {
        if (key.kind() == Kind.ANY) {
            return;
        }
        if (v.isNull()) {
            if (key.kind() == Kind.INT || key.kind() == Kind.NUMBER || key.kind() == Kind.INT_OR_LIST) {
                findings.error(v, "'" + key.name() + "' is empty, and ai-toolkit needs " + key.kind().description + " here",
                        "give it a value or delete the line to use ai-toolkit's default");
            }
            return;
        }
        switch (key.kind()) {
            case STRING -> {
                if (v.string() == null) {
                    wrongType(key, v, v.isScalar() ? "quote it: " + key.name() + ": \"" + v.text() + "\"" : null);
                } else if (!key.choices().isEmpty() && !key.choices().contains(v.string())) {
                    String s = Suggest.closest(v.string(), key.choices());
                    findings.error(v, "'" + key.name() + "' is '" + v.string() + "', which ai-toolkit does not accept"
                                    + (s != null ? " (did you mean '" + s + "'?)" : ""),
                            "use one of: " + String.join(", ", key.choices()));
                }
            }
            case INT -> integer(key, v);
            case NUMBER -> number(key, v);
            case BOOL -> {
                if (v.bool() == null) {
                    if (v.integer() != null && (v.integer() == 0 || v.integer() == 1)) {
                        findings.warning(v, "'" + key.name() + "' is " + v.text() + "; Python reads it as "
                                + (v.integer() == 1 ? "true" : "false") + ", but it is meant to be true or false",
                                "write " + key.name() + ": " + (v.integer() == 1 ? "true" : "false"));
                    } else {
                        wrongType(key, v, v.string() != null && isBoolWord(v.string()) ? "remove the quotes: " + key.name() + ": " + v.string().toLowerCase(Locale.ROOT) : null);
                    }
                }
            }
            case MAP -> {
                if (!v.isMapping()) {
                    wrongType(key, v, null);
                }
            }
            case LIST -> {
                if (!v.isSequence()) {
                    wrongType(key, v, null);
                }
            }
            case STRING_OR_LIST -> {
                for (ConfigNode item : v.itemsOrSelf()) {
                    if (item.string() == null) {
                        wrongType(key, item, null);
                    }
                }
            }
            case INT_OR_LIST -> {
                if (v.isSequence() && v.items().isEmpty()) {
                    findings.error(v, "'" + key.name() + "' is an empty list", "list at least one value, e.g. [512, 768, 1024]");
                }
                for (ConfigNode item : v.itemsOrSelf()) {
                    integer(key, item);
                }
            }
            default -> {
            }
        }
    }

    private static boolean isBoolWord(String s) {
        return Set.of("true", "false", "yes", "no", "on", "off").contains(s.toLowerCase(Locale.ROOT));
    }

    private void integer(Key key, ConfigNode v) {
        Long n = v.integer();
        if (n == null) {
            Double d = v.number();
            if (d != null && v.bool() == null) {
                findings.error(v, "'" + key.name() + "' is " + v.text() + ", but ai-toolkit needs a whole number here",
                        "write it without a decimal point, e.g. " + key.name() + ": " + Math.round(d));
            } else {
                wrongType(key, v, quotedNumberFix(key, v));
            }
            return;
        }
        range(key, v, n.doubleValue());
    }

    private void number(Key key, ConfigNode v) {
        Double d = v.number();
        if (d == null || v.bool() != null) {
            wrongType(key, v, quotedNumberFix(key, v));
            return;
        }
        range(key, v, d);
    }

    private static String quotedNumberFix(Key key, ConfigNode v) {
        String s = v.string();
        if (s != null) {
            try {
                Double.parseDouble(s.trim());
                return "remove the quotes: " + key.name() + ": " + s.trim();
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
    }

    private void range(Key key, ConfigNode v, double d) {
        boolean low = key.min() != null && d < key.min();
        boolean high = key.max() != null && d > key.max();
        if (low || high) {
            String bounds = key.min() != null && key.max() != null ? "between " + fmt(key.min()) + " and " + fmt(key.max())
                    : key.min() != null ? "at least " + fmt(key.min()) : "at most " + fmt(key.max());
            findings.error(v, "'" + key.name() + "' is " + v.text() + ", but it must be " + bounds
                            + (key.hint() != null ? " (" + key.hint() + ")" : ""),
                    "set " + key.name() + " " + bounds);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private void wrongType(Key key, ConfigNode v, String fix) {
        findings.error(v, "'" + key.name() + "' must be " + key.kind().description + ", but it is " + v.kindName(),
                fix != null ? fix : "write " + key.name() + " as " + key.kind().description);
    }

    // Python's safe loader refuses object-creating tags; duplicate keys silently keep the last value.
    private void scanTagsAndDuplicates(ConfigNode node) {
        String tag = node.customTag();
        if (tag != null) {
            findings.error(node, "the tag '" + tag + "' is not a standard YAML type, and ai-toolkit's safe YAML loader refuses it",
                    "remove the tag and write the plain value");
        }
        if (node.isMapping()) {
            Set<String> seen = new HashSet<>();
            for (ConfigNode.Entry e : node.entries()) {
                if (!seen.add(e.key())) {
                    findings.warning(e.keyNode(), "'" + e.key() + "' appears more than once in this mapping; ai-toolkit uses only the last one",
                            "delete the duplicate line you do not mean");
                }
                scanTagsAndDuplicates(e.value());
            }
        } else if (node.isSequence()) {
            for (ConfigNode item : node.items()) {
                scanTagsAndDuplicates(item);
            }
        }
    }
}
