package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.util.ArrayList;
import java.util.List;

/** One {@code --sweep key=v1,v2,...}: a config key path and the values the array tries for it. */
public record SweepAxis(String key, List<String> values) {
    public SweepAxis {
        values = List.copyOf(values);
    }

    public static SweepAxis parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new LauncherException(ExitCode.USAGE, "--sweep '" + text
                    + "' is not key=v1,v2,...; e.g. --sweep train.lr=1e-4,5e-5 or --sweep network.linear=16,32");
        }
        String key = text.substring(0, eq).trim();
        List<String> values = new ArrayList<>();
        for (String v : text.substring(eq + 1).split(",", -1)) {
            String value = v.trim();
            if (value.isEmpty()) {
                throw new LauncherException(ExitCode.USAGE, "--sweep '" + text
                        + "' has an empty value; separate values with single commas, e.g. train.lr=1e-4,5e-5");
            }
            if (values.contains(value)) {
                throw new LauncherException(ExitCode.USAGE, "--sweep '" + text + "' lists '" + value
                        + "' twice; each value makes one job, list it once");
            }
            values.add(value);
        }
        return new SweepAxis(key, values);
    }

    /** Every combination of the axes' values, first axis slowest: one list of settings per job. */
    public static List<List<SweepSetting>> combinations(List<SweepAxis> axes) {
        List<List<SweepSetting>> points = new ArrayList<>();
        points.add(List.of());
        for (SweepAxis axis : axes) {
            List<List<SweepSetting>> next = new ArrayList<>();
            for (List<SweepSetting> point : points) {
                for (String value : axis.values()) {
                    List<SweepSetting> extended = new ArrayList<>(point);
                    extended.add(new SweepSetting(axis.key(), value));
                    next.add(List.copyOf(extended));
                }
            }
            points = next;
        }
        return points;
    }
}
