package dev.aitk.launcher.plan;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The optimizers ai-toolkit accepts (docs/ai-toolkit-facts.md) and the bytes of optimizer state each keeps
 * per trainable parameter: AdamW keeps two fp32 moments (8 bytes), 8-bit Adam two one-byte moments.
 */
public final class Optimizers {
    /** What the measured rows used: fp32 AdamW. */
    static final double MEASURED_STATE_BYTES = 8.0;

    private static final Map<String, Double> STATE_BYTES = new TreeMap<>();

    static {
        STATE_BYTES.put("adamw", 8.0);
        STATE_BYTES.put("adam", 8.0);
        STATE_BYTES.put("adamw8bit", 2.0);
        STATE_BYTES.put("adam8bit", 2.0);
        STATE_BYTES.put("adamw8", 2.0);
        STATE_BYTES.put("adam8", 2.0);
        STATE_BYTES.put("ademamix8bit", 3.0);
        STATE_BYTES.put("lion", 4.0);
        STATE_BYTES.put("lion8bit", 1.0);
        STATE_BYTES.put("adagrad", 4.0);
        // Adafactor keeps factored row/column statistics: far below one value per parameter.
        STATE_BYTES.put("adafactor", 0.5);
        // Prodigy keeps two moments plus its d-adaptation state (s, p0).
        STATE_BYTES.put("prodigy", 16.0);
        STATE_BYTES.put("prodigy8bit", 4.0);
        STATE_BYTES.put("dadaptation", 12.0);
        STATE_BYTES.put("automagic", 2.0);
        STATE_BYTES.put("automagic2", 2.0);
        STATE_BYTES.put("automagic3", 2.0);
    }

    private Optimizers() {
    }

    public static boolean known(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return STATE_BYTES.containsKey(n) || n.startsWith("dadaptation");
    }

    /** Optimizer state bytes per trainable parameter. */
    public static double stateBytes(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("dadaptation")) {
            return STATE_BYTES.get("dadaptation");
        }
        Double bytes = STATE_BYTES.get(n);
        if (bytes == null) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; use one of " + names());
        }
        return bytes;
    }

    public static String names() {
        return String.join(", ", STATE_BYTES.keySet()) + ", dadaptation*";
    }
}
