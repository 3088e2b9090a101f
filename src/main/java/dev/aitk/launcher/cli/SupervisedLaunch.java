package dev.aitk.launcher.cli;

import dev.aitk.launcher.supervise.ChildEnvironment;
import dev.aitk.launcher.supervise.GpuMemorySampler;
import dev.aitk.launcher.supervise.InterpreterProbe;
import dev.aitk.launcher.supervise.ParallelRuns;
import dev.aitk.launcher.supervise.PythonReport;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.RunSpecs;
import dev.aitk.launcher.supervise.StopSignals;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.ToolkitInstall;
import dev.aitk.launcher.supervise.ToolkitLocator;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The real-run half of {@code launch}, after plan, render, validate and prefetch: find the toolkit and its
 * interpreter (exit 7 before anything runs), ask the interpreter for its huggingface_hub version to set the
 * fast-download switches it reads, then run each job supervised (one run.py per GPU when there are several)
 * and report. {@code launch}'s pipeline calls {@link #toolkit} early (so a missing toolkit fails before the
 * prefetch) and {@link #run} last.
 */
public final class SupervisedLaunch {
    /** One ai-toolkit job: its rendered config, config.name, training_folder, the child's environment, its plan. */
    public record Job(Path configFile, String name, Path trainingFolder, Map<String, String> childEnvironment,
                      Object plan, Replanner replanner) {
    }

    /** A job as the launch pipeline prepared it: its config (written and validated), GPUs, plan and re-planner. */
    public record JobInput(Path configFile, List<Integer> gpuIndices, Object plan, Replanner replanner) {
    }

    /**
     * Builds run.py's environment; the launch pipeline passes
     * {@code (gpus, hub, offline, fast) -> ChildEnvironment.build(env, new ChildEnvironment.Request(gpus, hub,
     * offline, fast)).toMap()}.
     */
    @FunctionalInterface
    public interface EnvironmentBuilder {
        Map<String, String> build(List<Integer> gpuIndices, java.util.OptionalInt hubMajorVersion,
                                  boolean prefetchComplete, boolean fastDownload);
    }

    /**
     * The whole real-run half of launch, after plan, render and validate: find the toolkit and probe its
     * interpreter (exit 7 before anything runs), prefetch the models (unless {@code noPrefetch}), build each
     * job's environment for the installed huggingface_hub, and run the jobs supervised. Returns the exit code.
     */
    public static int start(Services services, boolean json, Path toolkitDir, Path python, List<JobInput> inputs,
                            boolean noPrefetch, EnvironmentBuilder environment, RecoveryPolicy policy)
            throws InterruptedException {
        return start(services, json, toolkit(services, toolkitDir, python), inputs, noPrefetch, environment, policy);
    }

    /** The same with the toolkit already found (launch looks it up first, so a missing one stops it early). */
    public static int start(Services services, boolean json, Toolkit toolkit, List<JobInput> inputs,
                            boolean noPrefetch, EnvironmentBuilder environment, RecoveryPolicy policy)
            throws InterruptedException {
        List<Path> configs = inputs.stream().map(JobInput::configFile).toList();
        boolean complete = prefetch(services, json, configs, noPrefetch);
        List<Job> jobs = new ArrayList<>();
        for (JobInput in : inputs) {
            dev.aitk.launcher.supervise.JobConfig config = dev.aitk.launcher.supervise.JobConfig.read(in.configFile());
            ChildEnvironment.Request r = ChildEnvironment.Request.forInterpreter(in.gpuIndices(), toolkit.python(),
                    complete);
            jobs.add(new Job(in.configFile(), config.name(), config.trainingFolder(),
                    environment.build(r.gpuIndices(), r.hubMajorVersion(), r.prefetchComplete(), r.fastDownload()),
                    in.plan(), in.replanner()));
        }
        return run(services, json, toolkit, jobs, policy);
    }

    /** The toolkit, its interpreter and what that interpreter has. */
    public record Toolkit(ToolkitInstall install, PythonReport python) {
    }

    private SupervisedLaunch() {
    }

    /**
     * Finds ai-toolkit ({@code toolkitDir}, else AITK_HOME) and its interpreter ({@code python}, else the venv,
     * else PATH) and probes the interpreter; warns (does not refuse) when torch is missing. Both may be null.
     */
    public static Toolkit toolkit(Services services, Path toolkitDir, Path python) {
        ToolkitInstall install = new ToolkitLocator(services.env()).locate(toolkitDir, python);
        PythonReport py = new InterpreterProbe(services.processRunner()).probe(install.python(), services.env());
        if (py.torch() == null) {
            services.err().println("warning: " + install.python() + " cannot import torch (" + py.torchError()
                    + "); run.py will fail unless it finds it. 'aitk-launcher doctor' checks the interpreter.");
        }
        return new Toolkit(install, py);
    }

    /**
     * Downloads every model the configs name (model, extras, assistant LoRA, qtype adapter) into the cache the
     * child reads, with the hub stage's own client, and returns whether the cache now holds everything (then
     * run.py may run with HF_HUB_OFFLINE=1). {@code skip} (--no-prefetch) says so and leaves it to run.py.
     * A gated or missing model fails here in seconds (exit 5), not after the trainer started.
     */
    public static boolean prefetch(Services services, boolean json, List<Path> configs, boolean skip) {
        if (skip) {
            services.err().println("note: prefetch skipped (--no-prefetch): run.py downloads what it needs itself, "
                    + "online, with huggingface_hub");
            return false;
        }
        java.util.Map<String, dev.aitk.launcher.hub.ModelReference> refs = new java.util.LinkedHashMap<>();
        for (Path config : configs) {
            for (dev.aitk.launcher.hub.ModelReference r : dev.aitk.launcher.hub.ModelReferences.fromConfig(config,
                    services.env())) {
                refs.putIfAbsent(r.display() + "@" + r.revision(), r);
            }
        }
        if (refs.isEmpty()) {
            return true;
        }
        dev.aitk.launcher.hub.Prefetcher prefetcher = dev.aitk.launcher.hub.Prefetcher.forEnvironment(services.env(),
                java.util.Optional.empty(), java.util.Optional.empty(), dev.aitk.launcher.hub.DownloadTuning.defaults());
        PrefetchCommand.ProgressPrinter progress = new PrefetchCommand.ProgressPrinter(services.err(),
                services.terminal(), json ? null : services.out());
        dev.aitk.launcher.hub.PrefetchReport report;
        try {
            report = prefetcher.prefetch(dev.aitk.launcher.hub.PrefetchRequest.of(List.copyOf(refs.values())), progress);
        } finally {
            progress.stop();
        }
        if (!json) {
            PrefetchCommand.printSummary(services.out(), report);
        }
        if (!report.complete()) {
            List<String> missing = report.missingDescriptions();
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, missing.size() + " item(s) are missing from the cache "
                    + report.cacheDir() + " after the prefetch (first: " + missing.get(0) + "); rerun with network "
                    + "access, or pass --no-prefetch to let run.py download them itself");
        }
        return true;
    }

    /** Runs the jobs (in parallel when more than one) and returns the exit code of the whole. */
    public static int run(Services services, boolean json, Toolkit toolkit, List<Job> jobs, RecoveryPolicy policy)
            throws InterruptedException {
        List<RunSpec> specs = new ArrayList<>();
        List<Replanner> replanners = new ArrayList<>();
        for (Job job : jobs) {
            specs.add(RunSpecs.forConfig(toolkit.install(), job.configFile(), job.name(), job.trainingFolder(),
                    job.childEnvironment(), job.plan()));
            replanners.add(job.replanner() == null ? Replanner.none() : job.replanner());
        }
        PrintWriter out = json ? services.err() : services.out();
        boolean one = specs.size() == 1;
        List<GpuMemorySampler> samplers = new ArrayList<>();
        ParallelRuns runs = new ParallelRuns(specs.size(), i -> {
            RunSpec spec = specs.get(i);
            GpuMemorySampler gpu = new GpuMemorySampler(services.processRunner(), services.env(),
                    spec.environment().get("CUDA_VISIBLE_DEVICES"), Duration.ofSeconds(5)).start();
            samplers.add(gpu);
            PrintWriter target = one ? out : new PrefixedWriter(out, "[" + spec.name() + "] ");
            return new Supervisor(services.env(), services.clock(),
                    new RunReporter(target, services.terminal() && one && !json, gpu));
        });
        List<RunRecord> records;
        StopSignals signals = StopSignals.install(runs.supervisors());
        try {
            records = runs.run(specs, policy, replanners);
        } finally {
            signals.close();
            samplers.forEach(GpuMemorySampler::close);
        }
        if (json) {
            services.out().println(Json.write(one ? records.get(0) : records));
        } else {
            for (RunRecord r : records) {
                summary(services.out(), r);
            }
        }
        return ParallelRuns.overall(records).code();
    }

    private static void summary(PrintWriter out, RunRecord r) {
        out.println(r.name() + ": " + r.status() + " after " + r.attempts().size() + " attempt(s): " + r.message());
        if (r.stepsDone() != null) {
            out.println("  steps " + r.stepsDone() + "/" + r.totalSteps() + (r.secondsPerStep() == null ? ""
                    : String.format(Locale.ROOT, ", %.2f s/step", r.secondsPerStep())));
        }
        if (r.finalCheckpoint() != null) {
            out.println((r.exit() == ExitCode.OK ? "  LoRA: " : "  newest checkpoint: ") + r.finalCheckpoint());
        }
        if (r.fix() != null) {
            out.println("  fix: " + r.fix());
        }
        out.println("  record: " + Path.of(r.logDirectory()).resolve("run.json") + "  (aitk-launcher diagnose it)");
    }

    /** Lines of several runs on one terminal, each prefixed with its job name. */
    private static final class PrefixedWriter extends PrintWriter {
        private final PrintWriter target;
        private final String prefix;

        PrefixedWriter(PrintWriter target, String prefix) {
            super(target);
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void println(String x) {
            synchronized (target) {
                target.println(prefix + x);
                target.flush();
            }
        }

        @Override
        public void print(String s) {
            synchronized (target) {
                target.print(s.startsWith("\r") ? "\r" + prefix + s.substring(1) : s);
            }
        }
    }
}
