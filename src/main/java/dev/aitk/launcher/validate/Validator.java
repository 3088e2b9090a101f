package dev.aitk.launcher.validate;

import dev.aitk.launcher.config.ConfigDocument;
import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.config.ConfigUnreadable;
import dev.aitk.launcher.config.SourceText;
import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ProcessRunner;
import dev.aitk.launcher.validate.ValidationReport.DatasetSummary;
import dev.aitk.launcher.validate.ValidationReport.DiskNeed;
import dev.aitk.launcher.validate.ValidationReport.Fit;
import dev.aitk.launcher.validate.ValidationReport.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiFunction;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/**
 * The validate stage: reads an ai-toolkit config the way run.py will (${VAR} substitution, safe YAML/JSON),
 * checks its structure and ai-toolkit's own rules, the datasets on disk, the disk room for outputs and
 * caches, and the fit on the GPU. Never prints; every problem is a {@link Finding} in the report.
 */
public final class Validator {
    private final Environment env;
    private final BiFunction<ValidateOptions, Environment, GpuInventory> gpus;
    private final MemoryPredictor predictor;
    private final DoubleFunction<MemoryBudget> budgetForCard;

    /** Detects GPUs with the standard detector and sizes runs with the planner's fitted memory model. */
    public Validator(Environment env, ProcessRunner processRunner) {
        this(env, (o, e) -> new GpuDetector(e, processRunner).detect(o.gpuMemory(), o.gpus()),
                (s, budget, split) -> MemoryModel.standard().predict(s, budget, split), MemoryBudget::forCard);
    }

    /** For callers that already know the GPUs and the memory model (tests, the launch pipeline). */
    public Validator(Environment env, BiFunction<ValidateOptions, Environment, GpuInventory> gpus,
                     MemoryPredictor predictor, DoubleFunction<MemoryBudget> budgetForCard) {
        this.env = env;
        this.gpus = gpus;
        this.predictor = predictor;
        this.budgetForCard = budgetForCard;
    }

    public ValidationReport validate(Path config, ValidateOptions options) {
        long started = System.nanoTime();
        ConfigReader reader = new ConfigReader(env);
        Path file = reader.locate(config, options.toolkitRoot());
        String shown = file.equals(env.resolve(config)) ? config.toString() : file.toString();
        Findings findings = new Findings(shown);
        List<String> notes = new ArrayList<>();
        ConfigDocument document;
        try {
            document = reader.parse(file);
        } catch (ConfigUnreadable e) {
            boolean parsed = e.kind() != ConfigUnreadable.Kind.FILE;
            if (parsed) {
                extensionRule(file, findings, shown);
                unsetVariables(e.unset(), null, findings, shown);
            }
            findings.add(new Finding(Severity.ERROR, "", e.line(), e.column(), e.problem(), e.fix(), shown));
            return report(shown, findings, List.of(), List.of(),
                    Fit.skipped(parsed ? "not checked: the config was not parsed" : "not checked: the config was not read"), notes, started);
        }
        extensionRule(file, findings, shown);
        ConfigTree tree = new ConfigTree(document);
        ConfigNode root = tree.root();
        unsetVariables(document.unset(), root, findings, shown);
        if (!root.isMapping()) {
            findings.error(root, "the top level of the config must be a mapping with job, config and meta, but it is " + root.kindName(),
                    "start the file with 'job: extension' and 'config:'");
            return report(shown, findings, List.of(), List.of(), Fit.skipped("not checked: the config is not usable"), notes, started);
        }
        new StructureCheck(findings).check(root);
        Path toolkit = options.toolkitRoot() != null ? env.resolve(options.toolkitRoot()) : null;
        List<ConfigNode> trainers = new ToolkitRules(findings, new ToolkitArches(toolkit)).check(root, false);
        if (trainers.isEmpty()) {
            notes.add("no sd_trainer process found: datasets, disk and fit not checked");
        }
        Path base = toolkit != null ? toolkit : env.workingDirectory();
        String runName = root.get("config").flatMap(c -> c.get("name")).map(ConfigNode::string).orElse(null);
        // toolkit/config.py preprocess_config replaces [name] with config.name everywhere in the config.
        Function<String, Path> resolver = s -> base.resolve(runName == null ? s : s.replace("[name]", runName)).normalize();
        Map<ConfigNode, DatasetSummary> datasets = new LinkedHashMap<>();
        if (options.checkDatasets() && !trainers.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads(), daemonThreads());
            try {
                DatasetScan scan = new DatasetScan(pool, resolver, options.deep(), findings);
                for (ConfigNode p : trainers) {
                    ModelFacts model = p.get("model").filter(ConfigNode::isMapping).map(ModelFacts::of).orElse(new ModelFacts("sd1", false, false, null));
                    for (ConfigNode d : p.get("datasets").filter(ConfigNode::isSequence).map(ConfigNode::items).orElse(List.of())) {
                        if (d.isMapping()) {
                            DatasetSummary s = scan.scan(d, model);
                            if (s != null) {
                                datasets.put(d, s);
                            }
                        }
                    }
                }
                for (ConfigNode p : trainers) {
                    SampleImages.check(p, resolver, findings);
                }
            } finally {
                pool.shutdownNow();
            }
            boolean relative = datasets.keySet().stream().anyMatch(d -> d.get("folder_path").map(ConfigNode::string)
                    .map(s -> !Path.of(s).isAbsolute()).orElse(false));
            if (relative) {
                notes.add("relative dataset paths are resolved against " + base + "; run.py resolves them against its own working directory");
            }
        }
        List<DiskNeed> disk = options.checkDatasets() ? new RoomCheck(resolver, findings).check(runName, trainers, datasets) : List.of();
        Fit fit = Fit.skipped("not checked: no trainer process");
        if (!trainers.isEmpty()) {
            GpuInventory inventory;
            try {
                inventory = gpus.apply(options, env);
            } catch (RuntimeException e) {
                inventory = null;
                notes.add("GPU detection failed: " + e.getMessage());
            }
            FitCheck fitCheck = new FitCheck(inventory, predictor, budgetForCard, findings);
            fit = fitCheck.check(trainers.get(0));
            for (int i = 1; i < trainers.size(); i++) {
                Fit other = fitCheck.check(trainers.get(i));
                if (other.checked() && other.predictedPeakGib() != null && (fit.predictedPeakGib() == null || other.predictedPeakGib() > fit.predictedPeakGib())) {
                    fit = other;
                }
            }
            if (inventory != null && inventory.count() > 1 && trainers.stream().noneMatch(Validator::splitsModel)) {
                notes.add(String.format(Locale.ROOT, "%d GPUs available, but ai-toolkit trains one process on one device; the others stay idle for this run",
                        inventory.count()));
            }
        }
        return report(shown, findings, new ArrayList<>(datasets.values()), disk, fit, notes, started);
    }

    private static boolean splitsModel(ConfigNode p) {
        return p.get("model").flatMap(m -> m.get("split_model_over_gpus")).map(ConfigNode::bool).orElse(false) == Boolean.TRUE;
    }

    // toolkit/config.py get_config: only these extensions are loaded.
    private static void extensionRule(Path file, Findings findings, String shown) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json") || name.endsWith(".jsonc"))) {
            findings.add(new Finding(Severity.ERROR, "", null, null,
                    "run.py loads only .yaml, .yml, .json or .jsonc configs, and this file is named " + file.getFileName(),
                    "rename it to end in .yaml", shown));
        }
    }

    private static void unsetVariables(List<SourceText.Placeholder> unset, ConfigNode root, Findings findings, String shown) {
        for (SourceText.Placeholder p : unset) {
            String path = root == null ? "" : deepestAt(root, p.line(), p.column()).map(ConfigNode::path).orElse("");
            ConfigUnreadable problem = ConfigUnreadable.unsetVariable(shown, p);
            findings.add(new Finding(Severity.ERROR, path, p.line(), p.column(), problem.problem(), problem.fix(), shown));
        }
    }

    private static Optional<ConfigNode> deepestAt(ConfigNode node, int line, int column) {
        if (node.isScalar()) {
            return node.contains(line, column) ? Optional.of(node) : Optional.empty();
        }
        List<ConfigNode> children = new ArrayList<>();
        if (node.isMapping()) {
            for (ConfigNode.Entry e : node.entries()) {
                children.add(e.keyNode());
                children.add(e.value());
            }
        } else {
            children.addAll(node.items());
        }
        for (ConfigNode c : children) {
            Optional<ConfigNode> hit = deepestAt(c, line, column);
            if (hit.isPresent()) {
                return hit;
            }
        }
        return node.contains(line, column) ? Optional.of(node) : Optional.empty();
    }

    private static ValidationReport report(String shown, Findings findings, List<DatasetSummary> datasets, List<DiskNeed> disk,
                                           Fit fit, List<String> notes, long started) {
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        return new ValidationReport(shown, findings.result(), new Summary(datasets, disk, fit, notes, elapsed));
    }

    private static int threads() {
        return Math.max(2, Math.min(16, Runtime.getRuntime().availableProcessors() * 2));
    }

    private static ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, "validate-io");
            t.setDaemon(true);
            return t;
        };
    }
}
