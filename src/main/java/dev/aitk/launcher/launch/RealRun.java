package dev.aitk.launcher.launch;

import dev.aitk.launcher.hub.DownloadTuning;
import dev.aitk.launcher.hub.GlobPatterns;
import dev.aitk.launcher.hub.HubCache;
import dev.aitk.launcher.hub.ModelReference;
import dev.aitk.launcher.hub.ModelReferences;
import dev.aitk.launcher.hub.PrefetchReport;
import dev.aitk.launcher.hub.PrefetchRequest;
import dev.aitk.launcher.hub.Prefetcher;
import dev.aitk.launcher.hub.ProgressListener;
import dev.aitk.launcher.toolkit.ChildEnvironment;
import dev.aitk.launcher.supervise.GpuMemorySampler;
import dev.aitk.launcher.toolkit.InterpreterProbe;
import dev.aitk.launcher.supervise.ParallelRuns;
import dev.aitk.launcher.toolkit.PythonReport;
import dev.aitk.launcher.supervise.Recovery;
import dev.aitk.launcher.supervise.RecoveryDecision;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.StopSignals;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.SupervisorListener;
import dev.aitk.launcher.toolkit.ToolkitInstall;
import dev.aitk.launcher.toolkit.ToolkitLocation;
import dev.aitk.launcher.toolkit.ToolkitLocator;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real launch, after the command line was read: find the toolkit and probe its interpreter (exit 7 before
 * anything runs), plan, render, write and validate the configs (errors stop it with exit 3 unless ignored),
 * prefetch the models, then run each job supervised (one run.py per GPU when there are several), re-planning
 * a planned job smaller after an out-of-memory. It prints nothing: a {@link Reporter} does.
 */
public final class RealRun {
    /** What the command shows the user; every method is called from the launcher's threads as things happen. */
    public interface Reporter {
        /** The decided, written and validated jobs. */
        void prepared(LaunchPreparation checked);

        /** A one-sentence warning that does not stop the launch. */
        void warning(String message);

        /** A one-sentence note on a choice the user made. */
        void note(String message);

        /** The prefetch starts: the listener that shows its progress. */
        ProgressListener prefetchStarted();

        /** The prefetch ended (complete or not). */
        void prefetchFinished(ProgressListener progress, PrefetchReport report);

        /** The listener of one run's supervisor; {@code single} when it is the only run. */
        SupervisorListener runStarting(RunSpec spec, GpuMemorySampler gpu, boolean single);

        /** Every run ended. */
        void finished(List<RunRecord> records);
    }

    /**
     * --no-prefetch, --offline (no network: the cache must hold everything, run.py runs with HF_HUB_OFFLINE=1 and
     * is never sent online to recover), --ignore-validation and the recovery budget.
     */
    public record Options(boolean noPrefetch, boolean offline, boolean ignoreValidation, RecoveryPolicy policy) {
    }

    /** The toolkit, its interpreter and what that interpreter has. */
    public record InstalledToolkit(ToolkitInstall install, PythonReport python) {
    }

    private final Environment env;
    private final Clock clock;
    private final ProcessRunner runner;

    public RealRun(Environment env, Clock clock, ProcessRunner runner) {
        this.env = env;
        this.clock = clock;
        this.runner = runner;
    }

    /** The whole real launch; returns each run's record ({@link ParallelRuns#overall} gives the exit code). */
    public List<RunRecord> launch(LaunchPipeline pipeline, LaunchRequest request, Options options, Reporter reporter)
            throws InterruptedException {
        ToolkitLocation location = new ToolkitLocator(env).locate(request.toolkitDir(), request.python());
        InstalledToolkit toolkit = toolkit(location, reporter);
        LaunchPreparation prepared = pipeline.prepare(request, location);
        LaunchPipeline.writeConfigs(prepared);
        LaunchPreparation checked = pipeline.check(prepared);
        reporter.prepared(checked);
        long withErrors = checked.jobs().stream().filter(PreparedJob::findingsHaveErrors).count();
        if (withErrors > 0) {
            if (!options.ignoreValidation()) {
                throw new LauncherException(ExitCode.INPUT_INVALID, withErrors + " config(s) have validation errors "
                        + "(listed above); fix them, or pass --ignore-validation to start anyway");
            }
            reporter.warning("--ignore-validation: starting although " + withErrors
                    + " config(s) have validation errors");
        }
        boolean complete = prefetch(checked.jobs().stream().map(j -> Path.of(j.config())).toList(),
                options.noPrefetch(), options.offline(), reporter) || options.offline();
        List<RunSpec> specs = new ArrayList<>();
        List<Recovery> recoveries = new ArrayList<>();
        for (PreparedJob job : checked.jobs()) {
            ChildEnvironment.Request r = ChildEnvironment.Request.forInterpreter(job.gpuIndices(), toolkit.python(),
                    complete);
            specs.add(RunSpecs.forJob(toolkit.install(), job, ChildEnvironment.build(env, r)));
            RecoveryDecision recovery = new RecoveryDecision(options.policy().retryBackoff(),
                    LaunchPipeline.replanner(checked, job), ChildEnvironment.fastDownloadOff());
            recoveries.add(options.offline() ? recovery.offline() : recovery);
        }
        return run(specs, recoveries, options.policy(), reporter);
    }

    /**
     * Refuses (exit 7) a toolkit or interpreter that was not found, and probes the interpreter; warns (does not
     * refuse) when torch is missing.
     */
    private InstalledToolkit toolkit(ToolkitLocation location, Reporter reporter) {
        ToolkitInstall install = location.require();
        PythonReport py = new InterpreterProbe(runner).probe(install.python(), env);
        if (py.torch() == null) {
            reporter.warning(install.python() + " cannot import torch (" + py.torchError()
                    + "); run.py will fail unless it finds it. 'aitk-launcher doctor' checks the interpreter.");
        }
        return new InstalledToolkit(install, py);
    }

    /**
     * Downloads every model the configs name (model, extras, assistant LoRA, qtype adapter) into the cache the
     * child reads, and returns whether the cache now holds everything (then run.py may run with
     * HF_HUB_OFFLINE=1). {@code skip} (--no-prefetch) leaves it to run.py; {@code offline} (--offline) only checks
     * the cache, without the network. A gated or missing model fails here in seconds (exit 5), not after the
     * trainer started.
     */
    public boolean prefetch(List<Path> configs, boolean skip, boolean offline, Reporter reporter) {
        if (skip) {
            reporter.note("prefetch skipped (--no-prefetch): run.py downloads what it needs itself, online, with "
                    + "huggingface_hub");
            return false;
        }
        Map<String, ModelReference> refs = new LinkedHashMap<>();
        for (Path config : configs) {
            for (ModelReference r : ModelReferences.fromConfig(config, env)) {
                refs.putIfAbsent(r.display() + "@" + r.revision(), r);
            }
        }
        if (refs.isEmpty()) {
            return true;
        }
        Prefetcher prefetcher = Prefetcher.forEnvironment(env, Optional.empty(), Optional.empty(),
                DownloadTuning.defaults());
        ProgressListener progress = reporter.prefetchStarted();
        PrefetchReport report = null;
        try {
            report = prefetcher.prefetch(new PrefetchRequest(List.copyOf(refs.values()), List.of(), GlobPatterns.all(),
                    offline), progress);
        } finally {
            reporter.prefetchFinished(progress, report);
        }
        if (!report.complete() && offline) {
            List<String> missing = report.missingDescriptions();
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, missing.size() + " item(s) the run needs are not in "
                    + "the cache " + report.cacheDir() + " (first: " + missing.get(0) + "), and --offline uses no "
                    + "network; run 'aitk-launcher prefetch' on the config(s) with network access first, or launch "
                    + "without --offline");
        }
        if (!report.complete()) {
            List<String> missing = report.missingDescriptions();
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, missing.size() + " item(s) are missing from the cache "
                    + report.cacheDir() + " after the prefetch (first: " + missing.get(0) + "); rerun with network "
                    + "access, or pass --no-prefetch to let run.py download them itself");
        }
        return true;
    }

    /** Runs the jobs (in parallel when more than one); Ctrl+C stops them all, each at a checkpoint. */
    private List<RunRecord> run(List<RunSpec> specs, List<Recovery> recoveries, RecoveryPolicy policy,
                                Reporter reporter) throws InterruptedException {
        boolean single = specs.size() == 1;
        List<GpuMemorySampler> samplers = Collections.synchronizedList(new ArrayList<>());
        ParallelRuns runs = new ParallelRuns(specs.size(), i -> {
            RunSpec spec = specs.get(i);
            GpuMemorySampler gpu = new GpuMemorySampler(runner, env, spec.environment().get("CUDA_VISIBLE_DEVICES"),
                    Duration.ofSeconds(5)).start();
            samplers.add(gpu);
            return new Supervisor(env, clock, reporter.runStarting(spec, gpu, single),
                    child -> HubCache.locate(Environment.of(child, env.userHome(), spec.workingDirectory())).root());
        });
        List<RunRecord> records;
        StopSignals signals = StopSignals.install(runs.supervisors());
        try {
            records = runs.run(specs, policy, recoveries);
        } finally {
            signals.close();
            samplers.forEach(GpuMemorySampler::close);
        }
        reporter.finished(records);
        return records;
    }
}
