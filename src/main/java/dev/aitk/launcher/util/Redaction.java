package dev.aitk.launcher.util;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Secrets never reach records or output: variables that name a token, key, secret or password are masked. */
public final class Redaction {
    public static final String MASK = "<redacted>";

    private Redaction() {
    }

    public static boolean isSecret(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("TOKEN") || n.contains("SECRET") || n.contains("PASSWORD") || n.endsWith("_KEY")
                || n.contains("API_KEY") || n.contains("CREDENTIAL");
    }

    public static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : v));
        return out;
    }
}
