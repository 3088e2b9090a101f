package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.LaunchPipeline;
import dev.aitk.launcher.launch.LaunchRequest;
import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.supervise.ParallelRuns;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;
import java.util.List;

/** {@link RealRun} as {@code launch} calls it, with the CLI's own printer, for tests. */
final class Launches {
    private Launches() {
    }

    static RealRun realRun(Services s) {
        return new RealRun(s.env(), s.clock(), s.processRunner());
    }

    static boolean prefetch(Services s, boolean json, List<Path> configs, boolean skip) {
        return realRun(s).prefetch(configs, skip, new LaunchPrinter(s, json));
    }

    /**
     * {@code launch --config C1 --config C2 ... --gpu-memory 24GB --gpus N}: one described card per config, so job
     * i runs on GPU i. Validation findings are reported but do not stop it (--ignore-validation): the run.py
     * double's configs name no real dataset.
     */
    static int launchConfigs(Services s, boolean json, Path toolkitDir, String python, List<Path> configs,
                             boolean noPrefetch, RecoveryPolicy policy) throws InterruptedException {
        LaunchRequest request = new LaunchRequest(ByteSize.parse("24GB"), configs.size(), null, null, null, null,
                null, List.of(), configs, toolkitDir, python);
        return ParallelRuns.overall(realRun(s).launch(LaunchPipeline.standard(s.env(), s.gpuDetector(), false), request,
                new RealRun.Options(noPrefetch, true, policy), new LaunchPrinter(s, json))).code();
    }
}
