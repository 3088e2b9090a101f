package dev.aitk.launcher.hardware;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parses the answer to {@link #QUERY_FIELDS} asked with {@code --format=csv,noheader,nounits}: one line per
 * GPU, e.g. {@code 0, NVIDIA H100 80GB HBM3, GPU-9f5c..., 81559, 0, 81079, 580.159.04, 9.0, 00000000:00:06.0}.
 */
public final class NvidiaSmiCsv {
    public static final String QUERY_FIELDS =
            "index,name,uuid,memory.total,memory.used,memory.free,driver_version,compute_cap,pci.bus_id";
    private static final int FIELDS = 9;

    private NvidiaSmiCsv() {
    }

    /** The GPUs in {@code csv}; empty when no line has the expected shape (garbage, or a message instead of data). */
    public static List<GpuInfo> parse(String csv) {
        List<GpuInfo> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            parseLine(line).ifPresent(gpus::add);
        }
        return gpus;
    }

    static Optional<GpuInfo> parseLine(String line) {
        String[] raw = line.split(",", -1);
        if (raw.length < FIELDS) {
            return Optional.empty();
        }
        // nvidia-smi does not quote CSV; a comma inside a product name shifts the fields, so the name is
        // whatever lies between the index and the last seven fixed fields.
        int extra = raw.length - FIELDS;
        String[] f = new String[FIELDS];
        f[0] = raw[0].trim();
        f[1] = String.join(",", Arrays.copyOfRange(raw, 1, 2 + extra)).trim();
        for (int i = 2; i < FIELDS; i++) {
            f[i] = raw[i + extra].trim();
        }
        Integer index = integer(f[0]);
        if (index == null || index < 0 || f[1].isEmpty()) {
            return Optional.empty();
        }
        Long total = mib(f[3]);
        String busId = text(f[8]);
        if (busId != null && !busId.matches("(?i)[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]")) {
            return Optional.empty();
        }
        return Optional.of(new GpuInfo(index, f[1], text(f[2]), total == null || total == 0 ? null : total,
                mib(f[4]), mib(f[5]), text(f[6]), text(f[7]), busId, Source.NVIDIA_SMI));
    }

    /** "[N/A]", "[Not Supported]" and friends mean the card cannot tell (unified memory, some vGPUs). */
    private static String text(String field) {
        return field.isEmpty() || field.startsWith("[") ? null : field;
    }

    private static Long mib(String field) {
        String t = text(field);
        if (t == null) {
            return null;
        }
        try {
            long v = Long.parseLong(t);
            return v < 0 ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer integer(String field) {
        try {
            return Integer.parseInt(field);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
