package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core of {@code submit}: renders one config per task, writes the prefetch and array scripts and a
 * submission record into {@code <output>/slurm/<id>/}, then (unless a dry run) submits the prefetch jobs and
 * the array with {@code --dependency=afterok} on them. A failed submission cancels what it already queued.
 */
public final class Submitter {
    /** Slurm's default MaxArraySize is 1001 (indexes 0-1000). */
    static final int MAX_TASKS = 1000;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final SlurmClient slurm;
    private final Clock clock;
    private final GpuDetector detector;
    private final Planner planner;
    private final ModelAccess access;
    private final ConfigReader reader;

    public Submitter(SlurmClient slurm, Clock clock, GpuDetector detector, Planner planner, ModelAccess access,
                     ConfigReader reader) {
        this.reader = reader;
        this.slurm = slurm;
        this.clock = clock;
        this.detector = detector;
        this.planner = planner;
        this.access = access;
    }

    /** The standard submitter: the real planner, GPUs for the preview from --gpu-memory. */
    public static Submitter standard(Environment env, ProcessRunner runner, Clock clock) {
        return new Submitter(new SlurmClient(runner, env), clock, new GpuDetector(env, runner), PlanPreview.standardPlanner(),
                ModelAccess.hub(env), new ConfigReader(env));
    }

    public Submission submit(SubmitRequest request) {
        checkPaths(request);
        String name = TaskConfigs.safeName(request.name());
        Path dir = newSubmissionDir(request.outputDir(), name);
        Path configsDir = dir.resolve("configs");
        AtomicFiles.createDirectories(configsDir);
        AtomicFiles.createDirectories(dir.resolve("logs"));

        boolean[] queued = {false};
        try {
            return submitInto(dir, configsDir, name, request, queued);
        } catch (RuntimeException e) {
            // Nothing half-made stays behind, unless jobs were queued: they read their configs from there.
            if (!queued[0]) {
                deleteTree(dir);
            }
            throw e;
        }
    }

    private Submission submitInto(Path dir, Path configsDir, String name, SubmitRequest request, boolean[] queued) {
        List<String> notes = new ArrayList<>();
        List<TaskSpec> tasks = tasksOf(request, configsDir, notes);
        if (request.node().hfHome() == null) {
            notes.add("no --hf-home: jobs use HF_HOME from the submitting environment or each node's default cache;"
                    + " put the cache on shared storage so the prefetch serves every task");
        }

        String jobName = BatchScripts.jobName(name);
        Map<String, TaskSpec> firstByModel = new LinkedHashMap<>();
        for (TaskSpec task : tasks) {
            firstByModel.putIfAbsent(task.model(), task);
        }
        // Planned before anything is queued: a model that fits no such GPU stops here (exit 4), not on every node.
        List<PlanPreview> previews = new ArrayList<>();
        if (request.gpuMemory() != null) {
            for (String model : firstByModel.keySet()) {
                previews.add(PlanPreview.of(model, request.gpuMemory(), request.slurm().gpusPerJob(), detector, planner));
            }
        } else {
            notes.add("no plan preview: pass --gpu-memory SIZE (the nodes' GPUs) to see what the nodes will plan");
        }
        List<Path> prefetchScripts = new ArrayList<>();
        List<String> prefetchModels = new ArrayList<>();
        if (request.prefetch()) {
            int i = 0;
            for (Map.Entry<String, TaskSpec> e : firstByModel.entrySet()) {
                Path script = dir.resolve(BatchScripts.prefetchScriptName(i++));
                AtomicFiles.write(script, BatchScripts.prefetchScript(jobName + "-prefetch", e.getValue(),
                        request.slurm(), request.node()), true);
                prefetchScripts.add(script);
                prefetchModels.add(e.getKey());
            }
        }
        Path arrayScript = dir.resolve(BatchScripts.ARRAY_SCRIPT);
        AtomicFiles.write(arrayScript, BatchScripts.arrayScript(jobName, tasks, request.slurm(), request.node()), true);
        Path submitScript = dir.resolve(BatchScripts.SUBMIT_SCRIPT);
        AtomicFiles.write(submitScript, BatchScripts.submitScript(dir, prefetchScripts.size(), request.slurm()), true);

        List<String> prefetchIds = new ArrayList<>();
        String arrayId = null;
        if (!request.dryRun() && request.prefetch()) {
            for (TaskSpec first : firstByModel.values()) {
                access.check(first.config()).ifPresent(notes::add);
            }
        }
        if (!request.dryRun()) {
            try {
                for (Path script : prefetchScripts) {
                    prefetchIds.add(slurm.submit(script, dir, request.slurm().extraSbatchArgs(), List.of()));
                }
                arrayId = slurm.submit(arrayScript, dir, request.slurm().extraSbatchArgs(), prefetchIds);
                queued[0] = true;
            } catch (LauncherException e) {
                if (!prefetchIds.isEmpty()) {
                    slurm.cancel(prefetchIds);
                }
                throw e;
            }
        }
        List<Submission.PrefetchJob> prefetchJobs = new ArrayList<>();
        for (int i = 0; i < prefetchScripts.size(); i++) {
            prefetchJobs.add(new Submission.PrefetchJob(request.dryRun() ? null : prefetchIds.get(i),
                    prefetchModels.get(i), prefetchScripts.get(i).toString()));
        }
        List<Submission.Task> recorded = new ArrayList<>();
        for (TaskSpec t : tasks) {
            recorded.add(new Submission.Task(t.index(), t.name(), t.config().toString(), t.runDir().toString(),
                    t.model(), t.settings().stream().map(SweepSetting::toString).toList()));
        }
        Submission submission = new Submission(Submission.FORMAT, dir.getFileName().toString(), "slurm",
                clock.instant().toString(), name, request.outputDir().toString(), dir.toString(), request.dryRun(),
                prefetchJobs, arrayId, arrayScript.toString(), submitScript.toString(), recorded, previews, notes);
        SubmissionStore.write(submission);
        return submission;
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException ignored) {
            // Best effort: the error being reported matters more than a leftover folder.
        }
    }

    private List<TaskSpec> tasksOf(SubmitRequest request, Path configsDir, List<String> notes) {
        if (request.configs().isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, "nothing to submit: give --array CONFIG... (one task per"
                    + " config), with --sweep key=v1,v2 for one task per value");
        }
        List<List<SweepSetting>> points = SweepAxis.combinations(request.sweep());
        if ((long) points.size() * request.configs().size() > MAX_TASKS) {
            throw new LauncherException(ExitCode.USAGE, "that is " + (long) points.size() * request.configs().size()
                    + " tasks, more than " + MAX_TASKS + "; sweep fewer values or split the submission");
        }
        return TaskConfigs.fromConfigs(reader, request.configs(), points, request.dataset(), request.outputDir(), configsDir, notes);
    }

    private static void checkPaths(SubmitRequest request) {
        ShellQuote.requireSingleLine("the output folder", request.outputDir().toString());
        ShellQuote.requireSingleLine("the launcher path", request.node().launcher().toString());
        if (request.dataset() != null) {
            ShellQuote.requireSingleLine("the dataset folder", request.dataset().toString());
            if (!Files.isDirectory(request.dataset())) {
                throw new LauncherException(ExitCode.INPUT_INVALID, "--dataset " + request.dataset()
                        + " is not a folder; give the folder of training images (on storage the nodes see)");
            }
        }
        for (Path p : new Path[] {request.node().toolkitDir(), request.node().python(), request.node().hfHome()}) {
            if (p != null) {
                ShellQuote.requireSingleLine("the path", p.toString());
            }
        }
        for (Path config : request.configs()) {
            ShellQuote.requireSingleLine("the config path", config.toString());
        }
        for (String arg : request.node().launchArgs()) {
            ShellQuote.requireSingleLine("the launch argument", arg);
        }
        if (!request.dryRun() && !Files.isExecutable(request.node().launcher())) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "the launcher " + request.node().launcher()
                    + " is not an executable file; pass --launcher with the path of launchers/aitk-launcher as the nodes see it");
        }
    }

    private Path newSubmissionDir(Path outputDir, String name) {
        Path root = SubmissionStore.root(outputDir);
        AtomicFiles.createDirectories(root);
        String base = STAMP.format(clock.instant()) + "-" + name;
        for (int n = 1; ; n++) {
            Path dir = root.resolve(n == 1 ? base : base + "-" + n);
            try {
                // createDirectory fails if it exists: two submits in the same second get their own folders.
                return Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                continue;
            } catch (java.io.IOException e) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "cannot create " + dir + ": " + e.getMessage()
                        + "; check that the output folder is writable");
            }
        }
    }
}
