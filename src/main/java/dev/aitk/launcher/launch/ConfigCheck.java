package dev.aitk.launcher.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * The validate step of the launch pipeline: findings about a config file on disk, printed without stopping a
 * dry run. {@link NotInThisBuild} stands in while the validate stage is not in the build.
 */
public interface ConfigCheck {

    /**
     * Checks {@code config} (already written) for the machine the request describes.
     *
     * @param toolkitDir run.py's working directory, against which relative dataset paths resolve; null if unknown
     */
    Checked check(Path config, LaunchRequest request, Path toolkitDir);

    /**
     * The findings as one line each (severity, place, message, fix), whether any is an error, and the stage's
     * own report for --json (null when there is none).
     */
    record Checked(List<String> findings, boolean hasErrors, Object report) {
        public Checked {
            findings = List.copyOf(findings);
        }
    }

    /** Says that nothing was checked, rather than pretending the config is fine. */
    final class NotInThisBuild implements ConfigCheck {
        @Override
        public Checked check(Path config, LaunchRequest request, Path toolkitDir) {
            return new Checked(List.of("note: config validation is not in this build; nothing was checked"), false, null);
        }
    }
}
