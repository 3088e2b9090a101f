package dev.aitk.launcher.data;

import java.util.Locale;

/** Which source folder a file came from; names the folder in reports the way the flags do. */
public enum Role {
    TARGET("--targets"),
    MASKED("--masked"),
    MASK("--masks"),
    CAPTION("--captions");

    private final String flag;

    Role(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** {@code target}, {@code masked}, {@code mask}, {@code caption}: the key in --json reports. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
