package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.Overrides;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.plan.TemplateModel;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.toolkit.ToolkitLocation;
import dev.aitk.launcher.toolkit.ToolkitLocator;
import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.FileReplacement;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launch pipeline, left to right: detect the GPUs, plan the jobs, render each config, validate it, and
 * work out the exact command and environment of each run.py. {@link #prepare} decides everything and
 * writes nothing; {@link #writeConfigs} puts the rendered configs in place (atomically); {@link #check}
 * validates them where they were written; {@link #dryRun} does all three.
 */
public final class LaunchPipeline {
    private final Environment env;
    private final GpuDetector detector;
    private final JobPlanner planner;
    private final ConfigCheck check;

    public LaunchPipeline(Environment env, GpuDetector detector, JobPlanner planner, ConfigCheck check) {
        this.env = env;
        this.detector = detector;
        this.planner = planner;
        this.check = check;
    }

    /**
     * The pipeline with this build's stages; {@code detector} reads the machine the command runs on, and
     * {@code deepValidation} (--deep) decodes every image.
     */
    public static LaunchPipeline standard(Environment env, GpuDetector detector, boolean deepValidation) {
        return new LaunchPipeline(env, detector, new PlannedJobs(new Planner(MemoryModel.standard())),
                new ValidatorCheck(env, deepValidation));
    }

    /** Decides everything for a dry run, where the toolkit may still be unknown (shown as a placeholder). */
    public LaunchPreparation prepare(LaunchRequest request) {
        return prepare(request, new ToolkitLocator(env).locate(request.toolkitDir(), request.python()));
    }

    /** Decides everything for the toolkit already located (the real run located it first, to refuse early). */
    public LaunchPreparation prepare(LaunchRequest request, ToolkitLocation toolkit) {
        List<Setting> overrides = Overrides.parse(request.overrides());
        if (request.name() != null) {
            checkName(request.name());
        }
        GpuInventory inventory = detector.detect(request.gpuMemory(), request.gpus());
        if (inventory.isEmpty()) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "no NVIDIA GPU was found ("
                    + String.join("; ", inventory.notes()) + ") and no --gpu-memory/--gpus describe one, so nothing "
                    + "was planned; run on the GPU machine, or describe it, e.g. --gpu-memory 24GB --gpus 1");
        }
        List<String> notes = new ArrayList<>(toolkit.problems());
        notes.addAll(toolkit.notes());
        JobCommands commands = new JobCommands(env, toolkit);
        if (!request.configFiles().isEmpty()) {
            return existingConfigs(request, inventory, commands, toolkit, notes);
        }
        JobPlanner.JobPlan plan = planner.plan(inventory, request.plan());
        Path output;
        if (request.output() != null) {
            output = env.resolve(request.output());
        } else {
            output = env.resolve(Path.of("output"));
            notes.add("no --output: configs and checkpoints go to " + output + " (./output in the working directory)");
        }
        Path dataset = request.dataset() == null ? null : env.resolve(request.dataset());
        if (dataset == null) {
            notes.add("no --dataset: datasets[*].folder_path keeps the template's placeholder; give --dataset DIR "
                    + "before a real run");
        }
        ConfigTemplate template = request.template() != null ? ConfigTemplate.resolve(request.template(), env)
                : ConfigTemplate.forModel(request.plan().model());
        boolean batchPerDataset = TemplateModel.of(new ConfigReader(env).read(template.text(), template.label()).plain(),
                template.label()).datasetBatchSize() != null;
        JobRenderer renderer = new JobRenderer(template, output, request.output() != null, dataset, request.name(),
                RelativePaths.madeAbsolute(env, overrides, notes), batchPerDataset);
        List<PreparedJob> jobs = new ArrayList<>();
        for (JobPlanner.PlannedJob planned : plan.jobs()) {
            JobRenderer.Rendered rendered = renderer.render(planned);
            checkName(rendered.name());
            PreparedJob job = commands.job(rendered.name(), output.resolve(rendered.name() + ".yaml"),
                    output.toString(), template.label(), planned.gpuIndices(), rendered.config());
            jobs.add(plan.plan() == null ? job
                    : job.withReplanning(new Replanning(plan.plan(), plan.request(), rendered.rerender())));
        }
        if (jobs.size() > 1 && dataset != null) {
            notes.add(jobs.size() + " jobs read the same dataset folder, and ai-toolkit writes its latent cache "
                    + "(_latent_cache) inside it: start them a minute apart, or give each job its own copy");
        }
        return new LaunchPreparation(inventory, plan.notes(), output.toString(), toolkit.directory(), jobs, notes);
    }

    /** --config files as they are: job {@code i} gets the i-th GPU, or all of them when the config splits the model. */
    private LaunchPreparation existingConfigs(LaunchRequest request, GpuInventory inventory, JobCommands commands,
                                              ToolkitLocation toolkit, List<String> notes) {
        if (request.template() != null || request.dataset() != null || request.output() != null
                || request.name() != null || !request.overrides().isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, "--config launches a config as it is, so --template, "
                    + "--dataset, --output, --name and --set do not apply; edit the config, or leave out --config "
                    + "to render a new one");
        }
        ConfigReader reader = new ConfigReader(env);
        List<PreparedJob> jobs = new ArrayList<>();
        for (int i = 0; i < request.configFiles().size(); i++) {
            Path config = env.resolve(request.configFiles().get(i));
            if (!Files.isRegularFile(config)) {
                throw new LauncherException(ExitCode.USAGE, "config file " + config + " does not exist; give the path "
                        + "of an ai-toolkit YAML file, or leave out --config to render one");
            }
            ExistingConfig existing = ExistingConfig.read(reader, config);
            List<Integer> gpus = existing.splitModel() ? inventory.gpus().stream().map(g -> g.index()).toList()
                    : List.of(inventory.gpus().get(i % inventory.count()).index());
            RenderedConfig asIs = new RenderedConfig(config.toString(), existing.name(), null, List.of(),
                    List.of("launching " + config + " as it is: no planning or rendering (--config)"));
            PreparedJob job = commands.job(existing.name(), config, existing.trainingFolder(), config.toString(), gpus,
                    asIs);
            Replanning replanning = existing.plain() == null ? null
                    : ConfigReplanning.of(new Planner(MemoryModel.standard()), existing.plain(), config, inventory, gpus);
            jobs.add(replanning == null ? job : job.withReplanning(replanning));
        }
        return new LaunchPreparation(inventory, List.of("no planning: --config files run as they are, one job per "
                + "GPU in order (all GPUs for a config with model.split_model_over_gpus: true)",
                "an out-of-memory run is re-planned within the config's own settings (train.batch_size, "
                + "gradient accumulation and checkpointing, model.quantize, model.low_vram; never the model, rank or "
                + "resolutions) into <training_folder>/<name>/<name>.attempt-N.yaml and resumes"), null,
                toolkit.directory(), jobs, notes);
    }

    /**
     * The validate step, on the configs as written: each job gets its findings. Call after
     * {@link #writeConfigs}; a dry run prints the findings and does not stop on them.
     */
    public LaunchPreparation check(LaunchPreparation preparation) {
        Path toolkitDir = ToolkitLocation.PLACEHOLDER.equals(preparation.toolkitDirectory()) ? null
                : Path.of(preparation.toolkitDirectory());
        List<PreparedJob> checked = new ArrayList<>();
        for (PreparedJob job : preparation.jobs()) {
            checked.add(job.withCheck(check.check(Path.of(job.config()), preparation.inventory(), toolkitDir)));
        }
        return new LaunchPreparation(preparation.inventory(), preparation.planNotes(), preparation.outputFolder(),
                preparation.toolkitDirectory(), checked, preparation.notes());
    }

    /** A dry run: decide, write the configs, validate them. Nothing is started. */
    public LaunchPreparation dryRun(LaunchRequest request) {
        LaunchPreparation prepared = prepare(request);
        writeConfigs(prepared);
        return check(prepared);
    }

    /**
     * The OOM re-planner of a job ({@link Replanner#none()} for a config whose model the planner cannot size): plans
     * again from the evidence and writes the smaller plan atomically as {@code <name>.attempt-N.yaml}, next to a
     * rendered config, or in the job's log folder for a --config file (the user's folder stays the user's).
     */
    public static Replanner replanner(LaunchPreparation preparation, PreparedJob job) {
        Replanning r = job.replanning();
        if (r == null) {
            return Replanner.none();
        }
        Path first = Path.of(job.config());
        return new OomReplanner(new Planner(MemoryModel.standard()), preparation.inventory(), job.gpuIndices(),
                r.request(), r.plan(),
                (failed, plan, attempt) -> {
                    String file = job.name() + ".attempt-" + attempt + ".yaml";
                    Path next = job.rendered() ? first.resolveSibling(file) : failed.logDirectory().resolve(file);
                    AtomicFiles.write(next, r.rerender().apply(plan));
                    return next;
                });
    }

    /**
     * Writes each rendered config atomically; returns the paths written. A config the user edited since the
     * launcher wrote it is never replaced ({@link FileReplacement}): the launch stops first and says how to run it.
     */
    public static List<Path> writeConfigs(LaunchPreparation preparation) {
        List<FileReplacement.Planned> configs = new ArrayList<>();
        for (PreparedJob job : preparation.jobs()) {
            if (job.rendered()) {
                configs.add(new FileReplacement.Planned(Path.of(job.config()), job.yaml()));
            }
        }
        String asItIs = String.join(" ", configs.stream().map(c -> "--config " + c.path()).toList());
        FileReplacement.writeAll(configs, false, "launch your edits as they are with " + asItIs
                + ", or move the file away (or pick another --name or --output) to render a new config");
        return configs.stream().map(FileReplacement.Planned::path).toList();
    }

    /** ai-toolkit makes a folder and files from the name, so it must be a valid file name everywhere. */
    static void checkName(String name) {
        if (name.isBlank() || name.matches(".*[/\\\\:*?\"<>|\\p{Cntrl}].*") || name.equals(".") || name.equals("..")) {
            throw new LauncherException(ExitCode.USAGE, "'" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' cannot be a run name: ai-toolkit makes a folder and files from it; use letters, digits, "
                    + "spaces, _ - . only, e.g. --name my_inpaint_lora");
        }
    }
}
