package dev.aitk.launcher.launch;

import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.Overrides;
import dev.aitk.launcher.config.RenderedConfig;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.config.YamlIo;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.plan.Planner;
import dev.aitk.launcher.util.ShellQuoting;
import dev.aitk.launcher.toolkit.ChildEnvironment;
import dev.aitk.launcher.toolkit.ToolkitLocation;
import dev.aitk.launcher.toolkit.ToolkitLocator;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.FileReplacement;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

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

    /** The pipeline with this build's stages, planning with {@code plan} (the user's pins). */
    public static LaunchPipeline standard(Environment env, ProcessRunner runner, PlanRequest plan, boolean deepValidation) {
        return new LaunchPipeline(env, new GpuDetector(env, runner),
                new PlannedJobs(new Planner(MemoryModel.standard()), plan), new ValidatorCheck(env, deepValidation));
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
        if (!request.configFiles().isEmpty()) {
            if (request.template() != null || request.dataset() != null || request.output() != null
                    || request.name() != null || !request.overrides().isEmpty()) {
                throw new LauncherException(ExitCode.USAGE, "--config launches a config as it is, so --template, "
                        + "--dataset, --output, --name and --set do not apply; edit the config, or leave out --config "
                        + "to render a new one");
            }
            List<PreparedJob> jobs = new ArrayList<>();
            for (int i = 0; i < request.configFiles().size(); i++) {
                jobs.add(existingConfig(request.configFiles().get(i), inventory, i, toolkit));
            }
            return new LaunchPreparation(inventory, List.of("no planning: --config files run as they are, one job per "
                    + "GPU in order (all GPUs for a config with model.split_model_over_gpus: true)",
                    "no plan behind a --config file, so an out-of-memory run stops (exit 6) instead of being re-planned "
                    + "smaller; lower train.batch_size or set model.quantize: true, or launch without --config"), null,
                    toolkit.directory(), jobs, notes);
        }
        JobPlanner.JobPlan plan = planner.plan(inventory, request);
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
                : ConfigTemplate.forModel(request.model());
        ConfigRenderer renderer = new ConfigRenderer();
        List<PreparedJob> jobs = new ArrayList<>();
        for (JobPlanner.PlannedJob planned : plan.jobs()) {
            jobs.add(renderJob(request, plan, planned, template, renderer, output, dataset, overrides, toolkit, notes));
        }
        if (jobs.size() > 1 && dataset != null) {
            notes.add(jobs.size() + " jobs read the same dataset folder, and ai-toolkit writes its latent cache "
                    + "(_latent_cache) inside it: start them a minute apart, or give each job its own copy");
        }
        return new LaunchPreparation(inventory, plan.notes(), output.toString(), toolkit.directory(), jobs, notes);
    }

    private PreparedJob renderJob(LaunchRequest request, JobPlanner.JobPlan plan, JobPlanner.PlannedJob planned,
                                  ConfigTemplate template,
                                  ConfigRenderer renderer, Path output, Path dataset, List<Setting> overrides,
                                  ToolkitLocation toolkit, List<String> notes) {
        List<Setting> settings = new ArrayList<>(planned.settings());
        settings.add(Setting.cli("training_folder", output.toString(),
                request.output() != null ? "--output" : "default output folder ./output"));
        if (dataset != null) {
            settings.add(Setting.cli("datasets[*].folder_path", dataset.toString(), "--dataset"));
        }
        if (request.name() != null) {
            settings.add(Setting.cli("config.name", request.name() + planned.nameSuffix(),
                    "--name" + (planned.nameSuffix().isEmpty() ? "" : " plus the job's suffix")));
        }
        settings.addAll(absolutePaths(overrides, notes));
        RenderedConfig rendered = renderer.render(template, settings);
        if (rendered.name() == null || (request.name() == null && !planned.nameSuffix().isEmpty())) {
            // ai-toolkit requires config.name; several jobs from one template need names of their own.
            String base = rendered.name() == null ? "aitk_lora" : rendered.name();
            settings.add(Setting.cli("config.name", base + planned.nameSuffix(), rendered.name() == null
                    ? "the template has no config.name" : "the template's name plus the job's suffix"));
            rendered = renderer.render(template, settings);
        }
        String finalName = rendered.name();
        checkName(finalName);
        Path config = output.resolve(finalName + ".yaml");
        PreparedJob job = command(finalName, config, template.label(), planned.gpuIndices(), rendered, toolkit);
        if (plan.plan() == null) {
            return job;
        }
        List<Setting> kept = new ArrayList<>(settings.subList(planned.settings().size(), settings.size()));
        return job.withReplanning(replanning(plan, finalName, kept, template, renderer));
    }

    /**
     * How {@code job} renders another plan: that plan's settings, then every setting that was not the plan's
     * (training_folder, dataset, the user's --set, which still win), then the first attempt's config.name, so
     * run.py finds its checkpoints and resumes.
     */
    private static Replanning replanning(JobPlanner.JobPlan plan, String name, List<Setting> kept,
                                         ConfigTemplate template, ConfigRenderer renderer) {
        kept.add(Setting.cli("config.name", name, "the first attempt's name, so run.py resumes its checkpoints"));
        return new Replanning(plan.plan(), plan.request(), next -> {
            List<Setting> settings = new ArrayList<>(PlannedJobs.toJobs(next).jobs().get(0).settings());
            settings.addAll(kept);
            return renderer.render(template, settings).yaml();
        });
    }

    /** An existing config, as it is: job {@code i} gets the i-th GPU, or all of them when the config splits the model. */
    private PreparedJob existingConfig(Path file, GpuInventory inventory, int i, ToolkitLocation toolkit) {
        Path config = env.resolve(file);
        if (!Files.isRegularFile(config)) {
            throw new LauncherException(ExitCode.USAGE, "config file " + config
                    + " does not exist; give the path of an ai-toolkit YAML file, or leave out --config to render one");
        }
        String yaml;
        try {
            yaml = Files.readString(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "config file " + config + " could not be read ("
                    + e.getMessage() + "); check that it is UTF-8 text and readable", e);
        }
        String fallback = config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        String name = fallback;
        boolean split = false;
        try {
            Node root = YamlIo.compose(yaml, false);
            String configured = YamlIo.scalarAt(root, "config", "name");
            name = configured == null ? fallback : configured;
            split = "true".equalsIgnoreCase(YamlIo.scalarAt(firstProcess(root), "model", "split_model_over_gpus"));
        } catch (YAMLException unreadable) {
            // validation reports the YAML error with its line; the command is still shown
        }
        List<Integer> gpus = new ArrayList<>();
        if (split) {
            inventory.gpus().forEach(g -> gpus.add(g.index()));
        } else {
            gpus.add(inventory.gpus().get(i % inventory.count()).index());
        }
        RenderedConfig asIs = new RenderedConfig(config.toString(), name, null, List.of(),
                List.of("launching " + config + " as it is: no planning or rendering (--config)"));
        return command(name, config, config.toString(), gpus, asIs, toolkit);
    }

    private static Node firstProcess(Node root) {
        if (root instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("config")
                        && t.getValueNode() instanceof MappingNode config) {
                    for (NodeTuple c : config.getValue()) {
                        if (c.getKeyNode() instanceof ScalarNode ck && ck.getValue().equals("process")
                                && c.getValueNode() instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
                            return seq.getValue().get(0);
                        }
                    }
                }
            }
        }
        return null;
    }

    private PreparedJob command(String name, Path config, String template, List<Integer> gpus, RenderedConfig rendered,
                                ToolkitLocation toolkit) {
        List<String> command = List.of(toolkit.python(), "run.py", config.toString());
        String line = env.isWindows()
                ? "cd /d " + display(toolkit.directory(), true) + " && " + displayLine(command, true)
                : "cd " + display(toolkit.directory(), false) + " && " + displayLine(command, false);
        ChildEnvironment childEnv = ChildEnvironment.build(env,
                new ChildEnvironment.Request(gpus, OptionalInt.empty(), false, true));
        return new PreparedJob(name, config.toString(), template, gpus, rendered.applied(), rendered.notes(), List.of(),
                false, null, toolkit.directory(), command, line, childEnv.redacted(), childEnv.notes(), rendered.yaml(),
                null);
    }

    private static String display(String word, boolean windows) {
        if (!windows) {
            return ShellQuoting.posix(word);
        }
        try {
            return ShellQuoting.cmd(word, false);
        } catch (IllegalArgumentException e) {
            return "\"" + word + "\"";
        }
    }

    private static String displayLine(List<String> words, boolean windows) {
        List<String> quoted = new ArrayList<>();
        for (String w : words) {
            quoted.add(display(w, windows));
        }
        return String.join(" ", quoted);
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

    /** Folder keys whose relative values run.py would read against its own working directory. */
    private static final List<String> FOLDER_KEYS = List.of("folder_path", "control_path", "inpaint_path", "mask_path",
            "training_folder", "dataset_path", "unconditional_path", "clip_image_path");

    /**
     * A relative folder in an override means "from here" to the user, but run.py runs in the ai-toolkit folder:
     * an existing one is made absolute (and said so); a missing one is left as written, with a note.
     */
    private List<Setting> absolutePaths(List<Setting> overrides, List<String> notes) {
        List<Setting> result = new ArrayList<>();
        for (Setting s : overrides) {
            String key = s.keyPath().substring(s.keyPath().lastIndexOf('.') + 1);
            if (FOLDER_KEYS.contains(key) && s.value() instanceof String v && !v.isBlank() && !isAbsolute(v)) {
                Path here;
                try {
                    here = env.resolve(Path.of(v));
                } catch (InvalidPathException notAPath) {
                    result.add(s);
                    continue;
                }
                if (Files.exists(here)) {
                    result.add(new Setting(s.keyPath(), here.toString(), s.reason() + " (made absolute: run.py runs in "
                            + "the ai-toolkit folder)", s.origin()));
                    continue;
                }
                String note = s.keyPath() + "=" + v + " is relative and " + here + " does not exist: run.py will look "
                        + "for it inside the ai-toolkit folder";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
            result.add(s);
        }
        return result;
    }

    private static boolean isAbsolute(String path) {
        return path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:[\\\\/].*");
    }

    /**
     * The OOM re-planner of a planned job (none for an existing --config file): plans again under a lower
     * memory cap for the same GPUs and writes the smaller plan atomically next to the first config as
     * {@code <name>.attempt-N.yaml}.
     */
    public static Replanner replanner(LaunchPreparation preparation, PreparedJob job) {
        Replanning r = job.replanning();
        if (r == null) {
            return Replanner.none();
        }
        Path first = Path.of(job.config());
        return new PlanningReplanner(new Planner(MemoryModel.standard()), preparation.inventory(), r.request(), r.plan(),
                (failed, plan, attempt) -> {
                    Path next = first.resolveSibling(job.name() + ".attempt-" + attempt + ".yaml");
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
