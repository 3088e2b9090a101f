package dev.aitk.launcher.plan;

/**
 * Fixed-point formatting without java.util.Formatter, whose first use costs more start-up time than the
 * whole plan (a CLI run is all start-up).
 */
public final class Decimals {
    private Decimals() {
    }

    /** {@code value} with exactly {@code digits} decimals (0-6), half-up, '.' as the separator. */
    public static String fixed(double value, int digits) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        long scaled = Math.round(Math.abs(value) * scale);
        StringBuilder sb = new StringBuilder();
        if (value < 0 && scaled != 0) {
            sb.append('-');
        }
        sb.append(scaled / scale);
        if (digits > 0) {
            String frac = Long.toString(scaled % scale);
            sb.append('.');
            for (int i = frac.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb.toString();
    }

    /** {@code value} rounded to {@code digits} decimals, for stable machine-readable output. */
    public static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** {@code text} right-aligned in {@code width} columns. */
    public static String padLeft(String text, int width) {
        StringBuilder sb = new StringBuilder();
        for (int i = text.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(text).toString();
    }

    /** {@code text} left-aligned in {@code width} columns. */
    public static String padRight(String text, int width) {
        StringBuilder sb = new StringBuilder(text);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }
}
