package dev.aitk.launcher.hardware;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Applies the user's CUDA_VISIBLE_DEVICES to the cards detection found, the way CUDA reads it: a comma list
 * of indices or GPU UUIDs (with or without the "GPU-" prefix, any unique prefix), in the user's order;
 * reading stops at the first entry that names no card ("-1" is the usual way to hide them all), and an
 * empty value hides every card. nvidia-smi itself ignores the variable, hence this filter.
 */
public final class VisibleDevices {
    public static final String VARIABLE = "CUDA_VISIBLE_DEVICES";

    private VisibleDevices() {
    }

    /** The visible cards (keeping their nvidia-smi indices) and what the filter did, as notes. */
    public record Selection(List<GpuInfo> gpus, List<String> notes) {
        public Selection {
            gpus = List.copyOf(gpus);
            notes = List.copyOf(notes);
        }
    }

    /**
     * @param value the variable's value, null when unset
     * @param pciBusOrder true when CUDA_DEVICE_ORDER=PCI_BUS_ID, so CUDA numbers cards as nvidia-smi does
     */
    public static Selection apply(String value, List<GpuInfo> detected, boolean pciBusOrder) {
        if (value == null) {
            return new Selection(detected, List.of());
        }
        List<String> notes = new ArrayList<>();
        if (value.isBlank()) {
            notes.add(VARIABLE + " is set but empty, which hides every GPU; unset it to use them");
            return new Selection(List.of(), notes);
        }
        Set<GpuInfo> chosen = new LinkedHashSet<>();
        boolean byIndex = false;
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            GpuInfo match = entry.matches("-?\\d+") ? byIndex(entry, detected) : byUuid(entry, detected);
            byIndex |= entry.matches("\\d+");
            if (match == null) {
                notes.add(VARIABLE + "=" + value + ": '" + entry + "' names no detected GPU"
                        + (entry.toUpperCase(Locale.ROOT).startsWith("MIG-") ? " (MIG instances are not supported)" : "")
                        + ", so CUDA ignores it and every entry after it");
                break;
            }
            if (!chosen.add(match)) {
                notes.add(VARIABLE + "=" + value + " names GPU " + match.index() + " twice; it is used once");
            }
        }
        notes.add(0, VARIABLE + "=" + value + " restricts this run to " + chosen.size() + " of " + detected.size()
                + " detected GPU" + (detected.size() == 1 ? "" : "s"));
        if (byIndex && !pciBusOrder && mixed(detected)) {
            notes.add(VARIABLE + " indices were read in nvidia-smi's PCI bus order, but CUDA's default order puts the"
                    + " fastest card first and these cards differ; set CUDA_DEVICE_ORDER=PCI_BUS_ID or name GPUs by UUID");
        }
        return new Selection(new ArrayList<>(chosen), notes);
    }

    private static GpuInfo byIndex(String entry, List<GpuInfo> detected) {
        int index;
        try {
            index = Integer.parseInt(entry);
        } catch (NumberFormatException e) {
            return null;
        }
        return detected.stream().filter(g -> g.index() == index).findFirst().orElse(null);
    }

    private static GpuInfo byUuid(String entry, List<GpuInfo> detected) {
        String wanted = stripPrefix(entry);
        if (wanted.isEmpty()) {
            return null;
        }
        List<GpuInfo> hits = detected.stream()
                .filter(g -> g.uuid() != null && stripPrefix(g.uuid()).startsWith(wanted))
                .toList();
        return hits.size() == 1 ? hits.get(0) : null;
    }

    private static String stripPrefix(String uuid) {
        String u = uuid.trim().toLowerCase(Locale.ROOT);
        return u.startsWith("gpu-") ? u.substring(4) : u;
    }

    private static boolean mixed(List<GpuInfo> detected) {
        return detected.stream().map(GpuInfo::name).distinct().count() > 1;
    }
}
