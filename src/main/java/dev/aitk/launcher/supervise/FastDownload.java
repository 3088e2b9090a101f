package dev.aitk.launcher.supervise;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fast-download switches huggingface_hub reads, which changed between its major versions: 0.x uses
 * hf_transfer ({@code HF_HUB_ENABLE_HF_TRANSFER}); 1.x and 2.x ignore it and use Xet
 * ({@code HF_XET_HIGH_PERFORMANCE}, {@code HF_HUB_DISABLE_XET}).
 */
public final class FastDownload {
    public static final String HF_TRANSFER = "HF_HUB_ENABLE_HF_TRANSFER";
    public static final String XET_HIGH_PERFORMANCE = "HF_XET_HIGH_PERFORMANCE";
    public static final String DISABLE_XET = "HF_HUB_DISABLE_XET";

    private FastDownload() {
    }

    /**
     * The switches that turn the fast path on for {@code hubVersion} (e.g. "0.34.4", "1.33.0"); for 0.x only
     * when hf_transfer is importable, since 0.x fails the download outright when it is asked for and missing.
     * An unknown version gets the 1.x switches (run.py's own default).
     */
    public static Map<String, String> on(String hubVersion, boolean hfTransferInstalled) {
        Map<String, String> switches = new LinkedHashMap<>();
        if (hubVersion != null && hubVersion.startsWith("0.")) {
            switches.put(HF_TRANSFER, hfTransferInstalled ? "1" : "0");
        } else {
            switches.put(XET_HIGH_PERFORMANCE, "1");
            switches.put(DISABLE_XET, "0");
        }
        return switches;
    }

    /** Every fast path off, for every version: plain resumable HTTP downloads. */
    public static Map<String, String> off() {
        Map<String, String> switches = new LinkedHashMap<>();
        switches.put(HF_TRANSFER, "0");
        switches.put(XET_HIGH_PERFORMANCE, "0");
        switches.put(DISABLE_XET, "1");
        return switches;
    }

    public static boolean isOff(Map<String, String> environment) {
        return off().entrySet().stream().allMatch(e -> e.getValue().equals(environment.get(e.getKey())));
    }
}
