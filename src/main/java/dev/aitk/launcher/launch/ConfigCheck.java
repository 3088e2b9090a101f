package dev.aitk.launcher.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * The validate step of the launch pipeline: findings about a rendered config, printed without stopping a dry
 * run. {@link NotInThisBuild} stands in while the validate stage is not in the build.
 */
public interface ConfigCheck {

    List<String> check(Path config, String yaml);

    /** Says that nothing was checked, rather than pretending the config is fine. */
    final class NotInThisBuild implements ConfigCheck {
        @Override
        public List<String> check(Path config, String yaml) {
            return List.of("note: config validation is not in this build; nothing was checked");
        }
    }
}
