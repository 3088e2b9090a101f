package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.supervise.ParallelRuns;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.toolkit.ToolkitLocation;
import dev.aitk.launcher.toolkit.ToolkitLocator;
import java.nio.file.Path;
import java.util.List;

/** {@link RealRun}'s steps with the CLI's own printer, as {@code launch} calls them, for tests. */
final class Launches {
    private Launches() {
    }

    static RealRun realRun(Services s) {
        return new RealRun(s.env(), s.clock(), s.processRunner());
    }

    static RealRun.InstalledToolkit toolkit(Services s, Path toolkitDir, Path python) {
        return realRun(s).toolkit(locate(s, toolkitDir, python), new LaunchPrinter(s, false));
    }

    static boolean prefetch(Services s, boolean json, List<Path> configs, boolean skip) {
        return realRun(s).prefetch(configs, skip, new LaunchPrinter(s, json));
    }

    static int run(Services s, boolean json, RealRun.InstalledToolkit toolkit, List<RealRun.Job> jobs,
                   RecoveryPolicy policy) throws InterruptedException {
        return ParallelRuns.overall(realRun(s).run(toolkit, jobs, policy, new LaunchPrinter(s, json))).code();
    }

    static int start(Services s, boolean json, Path toolkitDir, Path python, List<RealRun.JobInput> inputs,
                     boolean noPrefetch, RealRun.EnvironmentBuilder environment, RecoveryPolicy policy)
            throws InterruptedException {
        LaunchPrinter printer = new LaunchPrinter(s, json);
        RealRun run = realRun(s);
        return ParallelRuns.overall(run.start(run.toolkit(locate(s, toolkitDir, python), printer), inputs, noPrefetch,
                environment, policy, printer)).code();
    }

    private static ToolkitLocation locate(Services s, Path toolkitDir, Path python) {
        return new ToolkitLocator(s.env()).locate(toolkitDir, python == null ? null : python.toString());
    }
}
