package dev.aitk.launcher.cli;

import dev.aitk.launcher.submit.NodeOptions;
import dev.aitk.launcher.submit.ShellQuote;
import dev.aitk.launcher.submit.SlurmOptions;
import dev.aitk.launcher.submit.Submission;
import dev.aitk.launcher.submit.SubmitRequest;
import dev.aitk.launcher.submit.Submitter;
import dev.aitk.launcher.submit.SweepAxis;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Submit the planned runs to a scheduler (Slurm) as batch jobs or a job array. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Submit runs to Slurm as one job array: one task (one GPU by default) per config, each running "
                    + "this launcher on its node, where detection, validation, prefetch, supervision and "
                    + "recovery happen. A prefetch job per model fills the shared Hugging Face cache first; "
                    + "the array waits for it.",
            "Scripts, rendered configs, logs and a record go to OUTPUT/slurm/<id>/. Secrets stay in your "
                    + "environment (jobs get it with --export=ALL), never in the scripts. See docs/slurm.md.",
            "",
            "Examples:",
            "  aitk-launcher submit --output /shared/loras --array a.yaml b.yaml \\",
            "      --partition gpu --time 12:00:00 --hf-home /shared/hf \\",
            "      --toolkit-dir /shared/ai-toolkit",
            "  aitk-launcher submit --output /shared/loras --array base.yaml \\",
            "      --sweep train.lr=1e-4,5e-5 --sweep network.linear=16,32   (4 tasks)",
            "  aitk-launcher submit --output /shared/loras --array *.yaml --dry-run",
            "  aitk-launcher status --output /shared/loras",
            "  aitk-launcher submit --output out --array a.yaml -- --gpu-memory 80GB   (args for launch)",
            "",
        })
public final class SubmitCommand extends BaseCommand {
    enum Scheduler { slurm }

    @Option(names = "--scheduler", paramLabel = "NAME", defaultValue = "slurm",
            description = "The scheduler to submit to (default: ${DEFAULT-VALUE}; Kubernetes is planned, see docs/slurm.md).")
    Scheduler scheduler;

    @Option(names = "--output", paramLabel = "DIR", required = true,
            description = "Where runs write checkpoints (storage the nodes share); the submission goes to DIR/slurm/.")
    Path outputFolder;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "Replace every dataset folder of the configs with DIR (storage the nodes see).")
    Path dataset;

    @Option(names = "--name", paramLabel = "NAME", description = "Job name (default: the output folder's name).")
    String name;

    @Option(names = "--array", paramLabel = "CONFIG", arity = "1..*",
            description = "ai-toolkit configs, one array task each (config.name and training_folder are set per task).")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--gpu-memory", paramLabel = "SIZE", converter = GpuMemoryConverter.class,
            description = "Memory of each node GPU (80GB, 24G): shows the plan the nodes will make, and stops "
                    + "here (exit 4) if nothing fits. A preview: each node plans from its own GPUs.")
    ByteSize gpuMemory;

    @Option(names = "--sweep", paramLabel = "KEY=V1,V2",
            description = "One task per value (repeat for every combination), applied to each --array config; "
                    + "KEY is a key path as in --set: train.lr=1e-4,5e-5 or network.linear=16,32.")
    List<String> sweeps = new ArrayList<>();

    @Option(names = "--partition", paramLabel = "P", description = "Slurm partition (default: the cluster's default).")
    String partition;

    @Option(names = "--time", paramLabel = "HH:MM:SS",
            description = "Time limit of each task; the launcher gets SIGTERM 120 s before it to stop cleanly.")
    String time;

    @Option(names = "--gpus-per-job", paramLabel = "N", converter = PositiveIntConverter.class, defaultValue = "1",
            description = "GPUs each task asks for (--gres=gpu:N; default ${DEFAULT-VALUE}).")
    int gpusPerJob;

    @Option(names = "--max-running", paramLabel = "N", converter = WholeNumberConverter.class,
            description = "At most N tasks of the array run at once (--array=0-K%%N); default: as many as the cluster gives.")
    Integer maxRunning;

    @Option(names = "--hf-home", paramLabel = "DIR",
            description = "Hugging Face cache on shared storage, exported as HF_HOME in every job (default: the environment's).")
    Path hfHome;

    @Option(names = "--toolkit-dir", paramLabel = "DIR",
            description = "ai-toolkit on the nodes (default: AITK_HOME in the jobs' environment).")
    Path toolkitDir;

    @Option(names = "--python", paramLabel = "FILE", description = "ai-toolkit's interpreter on the nodes.")
    Path python;

    @Option(names = "--launcher", paramLabel = "FILE",
            description = "This launcher as the nodes see it (default: this checkout's launchers/aitk-launcher).")
    Path launcher;

    @Parameters(paramLabel = "LAUNCH_ARG", arity = "0..*",
            description = "After --: extra arguments for 'launch' on the nodes, e.g. -- --gpu-memory 80GB "
                    + "(for nodes whose GPUs nvidia-smi cannot see).")
    List<String> launchArgs = new ArrayList<>();

    @Option(names = "--sbatch-arg", paramLabel = "ARG",
            description = "Extra sbatch option for every job, repeatable, e.g. --sbatch-arg=--account=lab --sbatch-arg=--qos=high.")
    List<String> sbatchArgs = new ArrayList<>();

    @Option(names = "--no-prefetch", description = "Submit no prefetch job (the cache is already complete).")
    boolean noPrefetch;

    @Option(names = "--dry-run", description = "Write the scripts, configs and submit.sh; submit nothing.")
    boolean dryRun;

    @Override
    protected int execute() {
        checkLaunchArgs();
        Services services = services();
        Environment env = services.env();
        Path outputDir = env.resolve(outputFolder);
        SubmitRequest request = new SubmitRequest(
                name != null ? name : outputDir.getFileName() == null ? "run" : outputDir.getFileName().toString(),
                outputDir,
                dataset == null ? null : env.resolve(dataset),
                configs.stream().map(env::resolve).toList(),
                sweeps.stream().map(SweepAxis::parse).toList(),
                gpuMemory,
                new SlurmOptions(partition, time, gpusPerJob, maxRunning, sbatchArgs),
                new NodeOptions(launcher == null ? defaultLauncher() : env.resolve(launcher),
                        toolkitDir == null ? null : env.resolve(toolkitDir),
                        python == null ? null : env.resolve(python),
                        hfHome == null ? null : env.resolve(hfHome),
                        launchArgs),
                !noPrefetch,
                dryRun);
        Submission s = Submitter.standard(env, services.processRunner(), services.clock()).submit(request);
        PrintWriter out = services.out();
        if (output.json()) {
            out.println(Json.write(s));
            return ExitCode.OK.code();
        }
        String prefetch = s.prefetchJobs().isEmpty() ? "" : " after prefetch job"
                + (s.prefetchJobs().size() > 1 ? "s " : " ")
                + String.join(", ", s.prefetchJobs().stream().map(p -> (p.jobId() == null ? "" : p.jobId() + " ")
                        + "(" + p.model() + ")").toList());
        if (s.dryRun()) {
            out.println("Wrote an array of " + s.tasks().size() + " task" + (s.tasks().size() == 1 ? "" : "s")
                    + prefetch + "; dry run, nothing submitted.");
        } else {
            out.println("Submitted " + s.tasks().size() + " task" + (s.tasks().size() == 1 ? "" : "s")
                    + " as Slurm job array " + s.arrayJobId() + prefetch + ".");
        }
        for (Submission.Task t : s.tasks()) {
            out.println("  task " + t.index() + "  " + t.name() + "  " + t.config() + "  -> " + t.runDir()
                    + (t.settings().isEmpty() ? "" : "  " + String.join(" ", t.settings())));
        }
        for (dev.aitk.launcher.submit.PlanPreview p : s.previews()) {
            out.println("Plan preview (each node plans again from its own GPUs): " + p.describe());
            if (!p.settings().isEmpty()) {
                out.println("    " + String.join(", ", p.settings()));
            }
        }
        for (String note : s.notes()) {
            out.println("note: " + note);
        }
        out.println("Scripts, logs and record: " + s.directory());
        if (s.dryRun()) {
            out.println("Submit by hand with: " + s.submitScript());
        } else {
            out.println("Follow with: aitk-launcher status --output " + s.outputDir()
                    + "    stop with: aitk-launcher cancel --output " + s.outputDir());
        }
        return ExitCode.OK.code();
    }

    /**
     * The arguments after -- run on every node as {@code launch --config <task> ARGS}: parsed here as launch parses
     * them, so a typo or a flag that cannot apply with --config fails now, not when the task starts hours later.
     */
    private void checkLaunchArgs() {
        launchArgs.forEach(a -> ShellQuote.requireSingleLine("the launch argument", a));
        if (launchArgs.contains("--config") || launchArgs.stream().anyMatch(a -> a.startsWith("--config="))) {
            throw new LauncherException(ExitCode.USAGE, "--config after -- is not needed: submit gives each task its "
                    + "config; list the configs with --array");
        }
        LaunchCommand launch = new LaunchCommand();
        List<String> args = new ArrayList<>(List.of("--config", "task.yaml"));
        args.addAll(launchArgs);
        try {
            CommandLine cl = new CommandLine(launch).setCaseInsensitiveEnumValuesAllowed(true);
            LaunchFlagRules.refuseWithConfig(cl.parseArgs(args.toArray(String[]::new)), launch.pins.options());
        } catch (CommandLine.ParameterException | LauncherException e) {
            throw new LauncherException(ExitCode.USAGE, "the arguments after -- are for 'launch --config <task>' on "
                    + "the nodes, and launch refuses them: " + e.getMessage(), e);
        }
    }

    /** This checkout's launchers/aitk-launcher, for the nodes (which share this storage). */
    private static Path defaultLauncher() {
        return LauncherLocation.launchersDirectory().map(d -> d.resolve("aitk-launcher"))
                .orElseThrow(() -> new LauncherException(ExitCode.USAGE, "cannot find launchers/aitk-launcher beside "
                        + "this launcher's jar; pass --launcher with its path as the nodes see it"));
    }
}
