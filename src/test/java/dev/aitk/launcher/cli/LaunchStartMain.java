package dev.aitk.launcher.cli;

import dev.aitk.launcher.supervise.RecoveryPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code launch --config ...} in a JVM of its own, as the command runs it, for tests that signal the
 * launcher: {@code LaunchStartMain TOOLKIT PYTHON CONFIG [CONFIG...]}; job i gets GPU i; knobs come from this
 * JVM's environment. Exits with launch's exit code.
 */
public final class LaunchStartMain {
    private LaunchStartMain() {
    }

    public static void main(String[] args) throws Exception {
        Services s = Services.system();
        List<Path> configs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            configs.add(Path.of(args[i]));
        }
        int code = Launches.launchConfigs(s, false, Path.of(args[0]), args[1], configs, true,
                RecoveryPolicy.defaults().withGracePeriod(java.time.Duration.ofSeconds(5)));
        s.out().flush();
        System.exit(code);
    }
}
