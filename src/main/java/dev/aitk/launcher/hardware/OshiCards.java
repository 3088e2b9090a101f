package dev.aitk.launcher.hardware;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Picks the NVIDIA cards out of what OSHI lists, keeping a memory figure only where it can be trusted. */
final class OshiCards {
    /** OSHI on Windows reads VRAM from a 32-bit registry value, so 4 GiB (or just under) means "at least 4 GiB". */
    private static final long CAPPED_VRAM_MIB = 4096;
    private static final long MIB = 1024L * 1024;

    private OshiCards() {
    }

    /** The NVIDIA cards in {@code cards}, numbered in the order OSHI lists them; one note per untrusted card and one summary. */
    static List<GpuInfo> nvidia(List<SystemProbe.Card> cards, List<String> notes) {
        List<GpuInfo> gpus = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (SystemProbe.Card card : cards) {
            if (!isNvidia(card)) {
                others.add(card.name() + " (vendor " + card.vendor() + ", " + card.vramBytes() + " bytes)");
                continue;
            }
            long mib = card.vramBytes() / MIB;
            // 0 (Linux VMs and containers) or the 32-bit cap (Windows) would plan for a card that is not there.
            boolean trusted = mib > 0 && !(mib >= CAPPED_VRAM_MIB - 1 && mib <= CAPPED_VRAM_MIB);
            if (!trusted) {
                notes.add("OSHI: " + card.name() + " reports " + card.vramBytes() + " bytes of memory, which is not"
                        + " trusted (0 or the 4 GiB cap of a 32-bit field); pass --gpu-memory SIZE");
            }
            gpus.add(new GpuInfo(gpus.size(), card.name(), null, trusted ? mib : null, null, null, null, null,
                    null, Source.OSHI));
        }
        if (gpus.isEmpty()) {
            notes.add("OSHI: no NVIDIA graphics card" + (others.isEmpty() ? "" : " (saw: " + String.join("; ", others) + ")"));
        } else {
            notes.add("OSHI: found " + gpus.size() + " NVIDIA card" + plural(gpus.size()));
        }
        return gpus;
    }

    private static boolean isNvidia(SystemProbe.Card card) {
        String text = (card.vendor() + " " + card.name() + " " + card.deviceId()).toLowerCase(Locale.ROOT);
        return text.contains("nvidia") || text.contains("ven_10de") || text.contains("0x10de");
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
