package dev.aitk.launcher.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one JSON object's top-level scalars (numbers, strings, booleans). Hand-written because the planner
 * must start in a few milliseconds: the measured rows and a transformer/config.json are flat objects, and a
 * general JSON library costs more class loading than the whole fit. Nested arrays and objects are skipped.
 */
final class FlatJson {
    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    /**
     * Parses {@code text} as one JSON object. With {@code skipNested} nested values are skipped; otherwise they
     * are an error.
     */
    static Map<String, Object> parse(String text, boolean skipNested) {
        FlatJson p = new FlatJson(text);
        Map<String, Object> out = p.object(skipNested);
        p.whitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the object");
        }
        return out;
    }

    private Map<String, Object> object(boolean skipNested) {
        whitespace();
        expect('{');
        Map<String, Object> out = new LinkedHashMap<>();
        whitespace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            whitespace();
            String key = string();
            whitespace();
            expect(':');
            whitespace();
            char c = peek();
            if (c == '{' || c == '[') {
                if (!skipNested) {
                    throw error("nested value for \"" + key + "\"");
                }
                skipNested();
            } else {
                out.put(key, scalar());
            }
            whitespace();
            char next = next();
            if (next == '}') {
                return out;
            }
            if (next != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private void skipNested() {
        int depth = 0;
        do {
            char c = peek();
            if (c == '"') {
                string();
                continue;
            }
            pos++;
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        } while (depth > 0);
    }

    private Object scalar() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a value");
        }
        try {
            return Double.parseDouble(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("bad \\u escape");
                        }
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void whitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + pos);
    }
}
