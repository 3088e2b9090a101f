package dev.aitk.launcher.supervise;

import java.time.Duration;

/** Durations as the supervisor's notes say them: "800 ms", "45 s", "30 min", "2 h 5 min". */
final class Durations {
    private Durations() {
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
