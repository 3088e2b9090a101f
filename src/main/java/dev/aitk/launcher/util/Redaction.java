package dev.aitk.launcher.util;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Secrets never reach records or output. Records keep only the variables the launcher set or changed
 * ({@link #changes}); among those, a variable that names a token, key, secret or password is masked, and
 * credentials inside a URL ({@code scheme://user:password@host}) are masked wherever a value or sentence holds one.
 */
public final class Redaction {
    public static final String MASK = "<redacted>";
    /** What a removed variable is recorded as. */
    public static final String UNSET = "(unset)";
    /** {@code scheme://userinfo@}: the user info (up to the last '@' before the path) is the credential. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s@]+@");

    private Redaction() {
    }

    public static boolean isSecret(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("TOKEN") || n.contains("SECRET") || n.contains("PASSWORD") || n.contains("PASSWD")
                || n.endsWith("_KEY") || n.contains("API_KEY") || n.contains("CREDENTIAL") || n.endsWith("_AUTH");
    }

    /** {@code text} with the credentials of every URL in it masked: {@code http://<redacted>@proxy:3128}. */
    public static String urlCredentials(String text) {
        return text == null ? null : URL_CREDENTIALS.matcher(text).replaceAll("$1" + MASK + "@");
    }

    /** The form of one variable's value safe to record or print. */
    public static String value(String name, String value) {
        return isSecret(name) ? MASK : urlCredentials(value);
    }

    /**
     * The variables {@code after} set or changed against {@code before}, values made safe by {@link #value};
     * the ones it removed as {@link #UNSET}. The rest of the environment is the user's and is left out.
     */
    public static Map<String, String> changes(Map<String, String> before, Map<String, String> after) {
        Map<String, String> changed = new TreeMap<>();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                changed.put(k, value(k, v));
            }
        });
        before.keySet().forEach(k -> {
            if (!after.containsKey(k)) {
                changed.put(k, UNSET);
            }
        });
        return changed;
    }
}
