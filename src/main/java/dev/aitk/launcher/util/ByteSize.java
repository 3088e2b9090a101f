package dev.aitk.launcher.util;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory or disk. Parsed the way cards are sold: {@code 80GB}, {@code 80G} and {@code 80GiB}
 * all mean 80 GiB (binary units throughout, as nvidia-smi's MiB are), {@code 81559MiB} is exact.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    public static final String ACCEPTED_FORMS =
            "a positive number with a unit, e.g. 80GB, 80G, 24gb, 81559MiB or 12288M";

    private static final long KIB = 1024L;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;
    private static final long TIB = GIB * 1024;
    private static final Pattern FORM = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    public static ByteSize ofMib(long mib) {
        return new ByteSize(Math.multiplyExact(mib, MIB));
    }

    public static ByteSize ofGib(double gib) {
        return new ByteSize(Math.round(gib * GIB));
    }

    /**
     * Parses a size as users type it. Zero, negatives, bare numbers and unknown units are refused with a
     * message naming the accepted forms.
     */
    public static ByteSize parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no size given; use " + ACCEPTED_FORMS);
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; use " + ACCEPTED_FORMS);
        }
        long unit = unitOf(m.group(2).toLowerCase(Locale.ROOT));
        if (unit < 0) {
            throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2) + "'; use " + ACCEPTED_FORMS);
        }
        BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (value.signum() <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a usable size (it must be more than zero); use " + ACCEPTED_FORMS);
        }
        if (value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too large; use " + ACCEPTED_FORMS);
        }
        return new ByteSize(value.longValue());
    }

    private static long unitOf(String unit) {
        switch (unit) {
            case "b": return 1;
            case "k": case "kb": case "kib": return KIB;
            case "m": case "mb": case "mib": return MIB;
            case "g": case "gb": case "gib": return GIB;
            case "t": case "tb": case "tib": return TIB;
            default: return -1;
        }
    }

    public long toMib() {
        return bytes / MIB;
    }

    public ByteSize plus(ByteSize other) {
        return new ByteSize(Math.addExact(bytes, other.bytes));
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** Human form with one decimal in the largest fitting binary unit, e.g. "79.6 GiB". */
    public String human() {
        if (bytes >= TIB) return String.format(Locale.ROOT, "%.1f TiB", bytes / (double) TIB);
        if (bytes >= GIB) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
        if (bytes >= MIB) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        if (bytes >= KIB) return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
        return bytes + " B";
    }

    @Override
    public String toString() {
        return human();
    }
}
