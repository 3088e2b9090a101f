package dev.aitk.launcher.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A {@code model.qtype} / {@code qtype_te} value as ai-toolkit reads it (toolkit/util/quantize.py get_qtype:
 * quanto's qtypes, torchao's int8/float8, then the custom backends of toolkit/util/ostris_quant.py
 * get_ostris_quantizer), with what one quantized weight occupies on the GPU. An accuracy-recovery adapter
 * follows a '|' (ModelConfig splits it off); it is a small LoRA and does not change the weights' size.
 *
 * @param name            the type, lower case, without the adapter
 * @param bytesPerWeight  storage of one quantized linear weight including its scales, bytes
 * @param adapter         the accuracy-recovery adapter after the '|', or null
 */
public record QuantType(String name, double bytesPerWeight, String adapter) {
    /** Every name ai-toolkit accepts, in the order a user would try them. */
    private static final List<String> NAMES;

    static {
        List<String> n = new ArrayList<>(List.of("qfloat8", "qfloat8_e4m3fn", "qfloat8_e4m3fnuz", "qfloat8_e5m2",
                "qint8", "qint4", "qint2", "int8", "float8", "nvfp4", "convrot4", "convrot8", "convrotbitnet",
                "convrotcomfyw4a4"));
        for (int bits = 2; bits <= 8; bits++) {
            n.add("uint" + bits);
        }
        for (int bits = 2; bits <= 8; bits++) {
            n.add("convrotint" + bits);
        }
        n.addAll(List.of("orbit2", "orbit3", "orbit4", "orbitvq2", "orbitvq3", "orbitvq4"));
        NAMES = Collections.unmodifiableList(n);
    }

    /** The 8-bit types the measured rows cover: every other type is sized relative to them. */
    public static final double MEASURED_BYTES_PER_WEIGHT = 1.0;

    /** All accepted names (without adapters). */
    public static List<String> names() {
        return NAMES;
    }

    /** The type a config value names, or null when ai-toolkit would not know it. Null or blank: qfloat8. */
    public static QuantType parse(String value) {
        String v = value == null || value.isBlank() ? "qfloat8" : value.strip();
        int bar = v.indexOf('|');
        String adapter = bar >= 0 ? v.substring(bar + 1).strip() : null;
        String name = (bar >= 0 ? v.substring(0, bar) : v).strip().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            return null;
        }
        return new QuantType(name, bytes(name), adapter == null || adapter.isEmpty() ? null : adapter);
    }

    /** Bytes per weight for a config value; an unknown one counts as 8-bit (validate reports the name). */
    public static double bytesPerWeight(String value) {
        QuantType q = parse(value);
        return q == null ? MEASURED_BYTES_PER_WEIGHT : q.bytesPerWeight();
    }

    /** Below 8 bits: ai-toolkit's examples pair these with an accuracy-recovery adapter for quality. */
    public boolean belowEightBits() {
        return bytesPerWeight < 0.9;
    }

    private static double bytes(String name) {
        if (name.startsWith("uint")) {
            // uintx_quant.py: 8 // bits values per byte (uint3 packs two, uint5..7 one), a bf16 scale and a
            // uint8 zero point per group of 64.
            return packed(Integer.parseInt(name.substring(4))) + 3.0 / 64;
        }
        if (name.startsWith("convrotint")) {
            return packed(Integer.parseInt(name.substring("convrotint".length()))) + 2.0 / 256;
        }
        if (name.startsWith("orbitvq")) {
            // orbit_vq_quant.py: one scale per GROUP_SIZE 128 coordinates.
            return Integer.parseInt(name.substring(7)) / 8.0 + 2.0 / 128;
        }
        if (name.startsWith("orbit")) {
            return packed(Integer.parseInt(name.substring(5)));
        }
        return switch (name) {
            // nvfp4_quant.py: two e2m1 codes per byte and one e4m3 scale per 16 weights; convrot4 and the
            // ComfyUI w4a4 format are nvfp4 after a rotation.
            case "nvfp4", "convrot4", "convrotcomfyw4a4" -> 0.5 + 1.0 / 16;
            // ternary codes, packed at least four per byte.
            case "convrotbitnet" -> 0.25 + 2.0 / 256;
            // quanto: groups of 128 with a bf16 scale and shift.
            case "qint4" -> 0.5 + 4.0 / 128;
            case "qint2" -> 0.25 + 4.0 / 128;
            default -> MEASURED_BYTES_PER_WEIGHT;
        };
    }

    /** Bytes per weight when values are packed whole into bytes (8 / bits of them, rounded down). */
    private static double packed(int bits) {
        return 1.0 / (8 / bits);
    }
}
