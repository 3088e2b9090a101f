package dev.aitk.launcher.supervise;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers PyTorch's CUDA out-of-memory message gives: which GPU, the allocation that failed, the card's
 * capacity as CUDA sees it, what was free and what this process held. A figure the message leaves out is null.
 * Both message forms are read: PyTorch 2.x ({@code GPU 0 has a total capacity of 79.18 GiB of which 8.66 GiB
 * is free. Including non-PyTorch memory, this process has 70.51 GiB memory in use. Of the allocated memory
 * 70.00 GiB is allocated by PyTorch, and 0 bytes is reserved by PyTorch but unallocated.}) and 1.x
 * ({@code (GPU 0; 23.65 GiB total capacity; 22.50 GiB already allocated; 11.56 MiB free; 22.80 GiB reserved
 * in total by PyTorch)}).
 */
public record OomEvidence(
        Integer gpuIndex,
        Double triedToAllocateGib,
        Double cardCapacityGib,
        Double freeGib,
        Double processInUseGib,
        Double allocatedByPyTorchGib,
        Double reservedUnallocatedGib) {

    private static final String SIZE = "([\\d.]+) (bytes|KiB|MiB|GiB|TiB)";
    private static final Pattern TRIED = Pattern.compile("Tried to allocate " + SIZE);
    private static final Pattern CAPACITY = Pattern.compile(
            "GPU (\\d+) has a total capacity of " + SIZE + " of which " + SIZE + " is free");
    private static final Pattern IN_USE = Pattern.compile("this process has " + SIZE + " memory in use");
    private static final Pattern ALLOCATED = Pattern.compile(SIZE + " is allocated by PyTorch");
    private static final Pattern RESERVED = Pattern.compile(SIZE + " is reserved by PyTorch but unallocated");
    private static final Pattern OLD_FORM = Pattern.compile("\\(GPU (\\d+); " + SIZE + " total capacity; " + SIZE
            + " already allocated; " + SIZE + " free; " + SIZE + " reserved in total by PyTorch\\)");

    /** The evidence in {@code text} (a traceback, or its last line), or empty when it holds no OOM figures. */
    public static Optional<OomEvidence> in(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Double tried = first(TRIED, text);
        Matcher old = OLD_FORM.matcher(text);
        if (old.find()) {
            double reserved = gib(old, 8);
            double allocated = gib(old, 4);
            return Optional.of(new OomEvidence(Integer.parseInt(old.group(1)), tried, gib(old, 2), gib(old, 6),
                    null, allocated, Math.max(0, reserved - allocated)));
        }
        Matcher capacity = CAPACITY.matcher(text);
        if (!capacity.find()) {
            return tried == null ? Optional.empty()
                    : Optional.of(new OomEvidence(null, tried, null, null, null, null, null));
        }
        return Optional.of(new OomEvidence(Integer.parseInt(capacity.group(1)), tried, gib(capacity, 2),
                gib(capacity, 4), first(IN_USE, text), first(ALLOCATED, text), first(RESERVED, text)));
    }

    /** "it needed 40.00 GiB more on GPU 0 with 8.66 GiB free of 79.18 GiB" in the units the reader expects. */
    public String describe() {
        StringBuilder s = new StringBuilder("it needed ").append(triedToAllocateGib == null ? "more"
                : gibText(triedToAllocateGib) + " more");
        if (gpuIndex != null) {
            s.append(" on GPU ").append(gpuIndex);
        }
        if (freeGib != null && cardCapacityGib != null) {
            s.append(" with ").append(gibText(freeGib)).append(" free of ").append(gibText(cardCapacityGib));
        }
        if (processInUseGib != null) {
            s.append("; the trainer held ").append(gibText(processInUseGib));
        }
        return s.toString();
    }

    private static String gibText(double gib) {
        return gib < 1 ? String.format(Locale.ROOT, "%.0f MiB", gib * 1024) : String.format(Locale.ROOT, "%.2f GiB", gib);
    }

    /** The first size {@code pattern} finds in {@code text}, or null. */
    private static Double first(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? gib(m, 1) : null;
    }

    /** The size in groups {@code at} (number) and {@code at + 1} (unit) of a match. */
    private static double gib(Matcher m, int at) {
        double value = Double.parseDouble(m.group(at));
        return switch (m.group(at + 1)) {
            case "bytes" -> value / (1L << 30);
            case "KiB" -> value / (1 << 20);
            case "MiB" -> value / 1024;
            case "TiB" -> value * 1024;
            default -> value;
        };
    }
}
