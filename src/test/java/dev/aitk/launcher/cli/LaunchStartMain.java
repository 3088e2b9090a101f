package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link RealRun#start} in a JVM of its own, as {@code launch} runs it, for tests that signal the
 * launcher: {@code LaunchStartMain TOOLKIT PYTHON CONFIG [CONFIG...]}; job i gets GPU i; knobs come from this
 * JVM's environment. Exits with launch's exit code.
 */
public final class LaunchStartMain {
    private LaunchStartMain() {
    }

    public static void main(String[] args) throws Exception {
        Services s = Services.system();
        List<RealRun.JobInput> jobs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            jobs.add(new RealRun.JobInput(Path.of(args[i]), List.of(i - 2), null, null));
        }
        int code = Launches.start(s, false, Path.of(args[0]), Path.of(args[1]), jobs, true,
                r -> {
                    Map<String, String> env = new TreeMap<>(s.env().variables());
                    env.put("CUDA_VISIBLE_DEVICES", r.gpuIndices().get(0).toString());
                    return env;
                }, RecoveryPolicy.defaults().withGracePeriod(java.time.Duration.ofSeconds(5)));
        s.out().flush();
        System.exit(code);
    }
}
