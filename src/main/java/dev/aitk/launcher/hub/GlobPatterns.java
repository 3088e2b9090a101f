package dev.aitk.launcher.hub;

import java.util.List;
import java.util.regex.Pattern;

/**
 * --include / --exclude with huggingface_hub's allow_patterns / ignore_patterns meaning: fnmatch, case-sensitive,
 * {@code *} crosses {@code /}, a pattern ending in {@code /} means everything under it; keep a path when any
 * include matches (or none are given), then drop it when any exclude matches.
 */
public record GlobPatterns(List<String> include, List<String> exclude) {
    public GlobPatterns {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    public static GlobPatterns all() {
        return new GlobPatterns(List.of(), List.of());
    }

    public boolean keeps(String path) {
        if (!include.isEmpty() && include.stream().noneMatch(p -> matches(p, path))) {
            return false;
        }
        return exclude.stream().noneMatch(p -> matches(p, path));
    }

    static boolean matches(String pattern, String path) {
        String p = pattern.endsWith("/") ? pattern + "*" : pattern;
        return toRegex(p).matcher(path).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        sb.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, end);
                        if (body.startsWith("!")) {
                            body = "^" + body.substring(1);
                        }
                        sb.append('[').append(body.replace("\\", "\\\\")).append(']');
                        i = end;
                    }
                }
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }
}
