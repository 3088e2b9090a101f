package dev.aitk.launcher.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The checks ai-toolkit itself makes when it loads a config, with the same meaning, so a run fails here
 * in a second instead of after a 30 GB download. Each rule names the ai-toolkit function it mirrors.
 */
final class ToolkitRules {
    // toolkit/job.py get_job: the job types run.py knows.
    static final List<String> JOB_TYPES = List.of("extension", "train", "extract", "mod", "generate");
    // toolkit/optimizer.py get_optimizer: exact names (lower-cased) it accepts.
    static final List<String> OPTIMIZERS = List.of("adamw8bit", "adam8bit", "lion8bit", "ademamix8bit", "adam8", "adamw8",
            "adam", "adamw", "lion", "adagrad", "adafactor", "prodigy", "prodigy8bit", "dadaptation", "dadaptationadam",
            "dadaptationlion", "automagic", "automagic2", "automagic3");
    private final Findings findings;
    private final ToolkitArches arches;

    ToolkitRules(Findings findings, ToolkitArches arches) {
        this.findings = findings;
        this.arches = arches;
    }

    /** Returns the checked trainer processes (mapping entries) for the dataset, room and fit checks. */
    List<ConfigNode> check(ConfigNode root, boolean nameFromCommandLine) {
        List<ConfigNode> trainers = new ArrayList<>();
        String job = requireJob(root);
        Optional<ConfigNode> configNode = root.get("config");
        if (configNode.isEmpty()) {
            findings.missing(Severity.ERROR, root, "config", "the config has no 'config' section (run.py: \"config file must have a config section\")",
                    "add 'config:' with 'name:' and 'process:' under it");
            return trainers;
        }
        ConfigNode config = configNode.get();
        if (!config.isMapping()) {
            findings.error(config, "'config' must be a mapping with name and process, but it is " + config.kindName(),
                    "write 'config:' followed by indented 'name:' and 'process:' lines");
            return trainers;
        }
        // toolkit/config.py preprocess_config and jobs/BaseJob.py get_conf('name', required=True).
        Optional<ConfigNode> name = config.get("name");
        if (name.isEmpty() && !nameFromCommandLine) {
            findings.missing(Severity.ERROR, config, "name", "config.name is missing (run.py: \"config file must have a config.name key\")",
                    "add 'name: my_flux_lora' under config; it names the output folder and the LoRA file");
        } else if (name.isPresent() && (name.get().string() == null || name.get().string().isBlank())) {
            findings.error(name.get(), "config.name must be a non-empty string, but it is " + name.get().kindName(),
                    "set config.name to a plain name such as my_flux_lora");
        }
        // jobs/BaseJob.py load_processes.
        Optional<ConfigNode> process = config.get("process");
        if (process.isEmpty()) {
            findings.missing(Severity.ERROR, config, "process", "config.process is missing (ai-toolkit: \"Missing config.process key\")",
                    "add 'process:' with one '- type: sd_trainer' entry");
            return trainers;
        }
        if (!process.get().isSequence() || process.get().items().isEmpty()) {
            findings.error(process.get(), process.get().isSequence()
                    ? "config.process is an empty list; ai-toolkit runs nothing without a process"
                    : "config.process must be a list of processes, but it is " + process.get().kindName(),
                    "write 'process:' followed by '  - type: sd_trainer' and its keys");
            return trainers;
        }
        for (ConfigNode p : process.get().items()) {
            if (!p.isMapping()) {
                continue;
            }
            Optional<ConfigNode> type = p.get("type");
            if (type.isEmpty()) {
                findings.missing(Severity.ERROR, p, "type", p.path() + ".type is missing (ai-toolkit: \"Missing config.process[i].type key\")",
                        "add 'type: sd_trainer' as the first key of the process");
                continue;
            }
            String t = type.get().string();
            if (t == null) {
                findings.error(type.get(), "the process type must be a string, but it is " + type.get().kindName(), "set type: sd_trainer");
                continue;
            }
            if (!StructureCheck.CHECKED_PROCESS_TYPES.contains(t)) {
                String s = Suggest.closest(t, StructureCheck.CHECKED_PROCESS_TYPES);
                findings.warning(type.get(), "process type '" + t + "' is not checked by this launcher"
                                + (s != null ? " (did you mean '" + s + "'?)" : "; ai-toolkit accepts it only if an extension provides it"),
                        s != null ? "set type: " + s : "use sd_trainer for a LoRA run");
            }
            if (StructureCheck.CHECKED_PROCESS_TYPES.contains(t)) {
                if (job != null && !"extension".equals(job)) {
                    findings.error(type.get(), "process type '" + t + "' is an ai-toolkit extension, so it runs only under job: extension, but job is '" + job + "'",
                            "set job: extension");
                }
                trainerRules(p);
                trainers.add(p);
            }
        }
        return trainers;
    }

    private String requireJob(ConfigNode root) {
        Optional<ConfigNode> job = root.get("job");
        if (job.isEmpty()) {
            findings.missing(Severity.ERROR, root, "job", "the config has no 'job' key (run.py: \"config file must have a job key\")",
                    "add 'job: extension' as the first line");
            return null;
        }
        String j = job.get().string();
        if (j == null || !JOB_TYPES.contains(j)) {
            String shown = j == null ? job.get().kindName() : "'" + j + "'";
            String s = j == null ? null : Suggest.closest(j, JOB_TYPES);
            findings.error(job.get(), "job is " + shown + ", which run.py does not know (toolkit/job.py get_job: \"Unknown job type\")"
                            + (s != null ? "; did you mean '" + s + "'?" : ""),
                    "set job: extension (the job type of every LoRA trainer)");
            return null;
        }
        return j;
    }

    private void trainerRules(ConfigNode p) {
        if (!p.has("training_folder")) {
            findings.missing(Severity.ERROR, p, "training_folder", "training_folder is missing, so ai-toolkit has nowhere to write checkpoints and samples",
                    "add 'training_folder: output' to the process");
        }
        ModelFacts model = new ModelRules(findings, arches).check(p);
        if (!p.has("network")) {
            findings.missing(Severity.WARNING, p, "network", "there is no network section, so ai-toolkit fine-tunes the whole model instead of training a LoRA",
                    "add 'network: {type: lora, linear: 16, linear_alpha: 16}'");
        }
        triggerRule(p);
        SampleImages.requireKontextControl(p, model, findings);
        p.get("save").filter(ConfigNode::isMapping).ifPresent(this::saveRules);
        p.get("train").filter(ConfigNode::isMapping).ifPresent(this::trainRules);
        datasetRules(p, model);
        p.get("train").filter(ConfigNode::isMapping).ifPresent(train -> {
            long steps = train.get("steps").map(ConfigNode::integer).orElse(1000L);
            p.get("save").flatMap(s -> s.get("save_every")).ifPresent(every -> {
                Long e = every.integer();
                if (e != null && e > steps) {
                    findings.warning(every, "save_every (" + e + ") is larger than train.steps (" + steps
                            + "), so no checkpoint is saved before the end and an interrupted run restarts from step 0",
                            "set save.save_every below " + steps + ", e.g. " + Math.max(1, steps / 8));
                }
            });
        });
    }

    // toolkit/prompt_utils.py inject_trigger_into_prompt: with no trigger word, [trigger] is replaced by ''.
    private void triggerRule(ConfigNode p) {
        if (p.get("trigger_word").map(ConfigNode::string).filter(t -> !t.isBlank()).isPresent()) {
            return;
        }
        List<ConfigNode> texts = new ArrayList<>();
        p.get("sample").flatMap(s -> s.get("prompts")).filter(ConfigNode::isSequence).ifPresent(n -> texts.addAll(n.items()));
        p.get("datasets").filter(ConfigNode::isSequence).ifPresent(n -> n.items().forEach(d -> {
            if (d.get("trigger_word").map(ConfigNode::string).isEmpty()) {
                d.get("default_caption").ifPresent(texts::add);
            }
        }));
        texts.stream().filter(n -> n.string() != null && n.string().contains("[trigger]")).findFirst().ifPresent(n -> findings.warning(n,
                "this text uses [trigger], but trigger_word is not set, so ai-toolkit replaces [trigger] with nothing",
                "set trigger_word on the process (e.g. trigger_word: p3r5on), or remove [trigger]"));
    }

    private void saveRules(ConfigNode save) {
        // toolkit/config_modules.py SaveConfig.__init__.
        save.get("save_format").ifPresent(f -> {
            String v = f.string();
            if (!"safetensors".equals(v) && !"diffusers".equals(v)) {
                findings.error(f, "save_format must be safetensors or diffusers, got " + (v == null ? f.kindName() : "'" + v + "'")
                        + " (SaveConfig raises on anything else)", "set save.save_format: safetensors, or delete it");
            }
        });
    }

    private void trainRules(ConfigNode train) {
        // toolkit/config_modules.py TrainConfig.__init__.
        Optional<ConfigNode> steps = train.get("gradient_accumulation_steps");
        Optional<ConfigNode> accumulation = train.get("gradient_accumulation");
        long gas = steps.map(ConfigNode::integer).orElse(1L);
        long ga = accumulation.map(ConfigNode::integer).orElse(1L);
        if (ga > 1 && gas != 1) {
            findings.error(accumulation.get(), "gradient_accumulation (" + ga + ") and gradient_accumulation_steps (" + gas
                            + ") are mutually exclusive in ai-toolkit",
                    "keep gradient_accumulation: " + ga + " (true accumulation) and delete gradient_accumulation_steps");
        }
        steps.filter(s -> Long.valueOf(0).equals(s.integer())).ifPresent(s -> findings.error(s,
                "gradient_accumulation_steps is 0; ai-toolkit needs 1 or more, or -1 for a whole epoch", "set gradient_accumulation_steps: 1"));
        // toolkit/optimizer.py get_optimizer.
        train.get("optimizer").ifPresent(o -> {
            String name = o.string();
            if (name == null) {
                return;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            boolean known = OPTIMIZERS.contains(lower) || lower.startsWith("prodigy")
                    || lower.startsWith("dadaptation") && (lower.endsWith("lion") || lower.endsWith("adam"));
            if (!known) {
                String s = Suggest.closest(lower, OPTIMIZERS);
                findings.error(o, "optimizer '" + name + "' is not one ai-toolkit knows (get_optimizer: \"Unknown optimizer type\")"
                                + (s != null ? "; did you mean '" + s + "'?" : ""),
                        "use adamw8bit (the usual choice for FLUX LoRAs), adamw, prodigy, lion8bit or adafactor");
                return;
            }
            if (lower.startsWith("prodigy") || lower.startsWith("dadaptation")) {
                Double lr = train.get("lr").map(ConfigNode::number).orElse(1e-6);
                if (lr < 0.1) {
                    ConfigNode at = train.get("lr").orElse(o);
                    findings.warning(at, "with optimizer " + name + " ai-toolkit replaces an lr below 0.1 (here " + train.get("lr").map(ConfigNode::text).orElse("the default 1e-6")
                            + ") with 1.0: these optimizers find their own step size", "set lr: 1.0 to say what will happen");
                }
            }
        });
        // toolkit/config_modules.py validate_configs.
        boolean bypass = train.get("bypass_guidance_embedding").map(ConfigNode::bool).orElse(false) == Boolean.TRUE;
        train.get("do_guidance_loss").filter(n -> Boolean.TRUE.equals(n.bool())).filter(n -> bypass).ifPresent(n -> findings.error(n,
                "bypass_guidance_embedding and do_guidance_loss cannot both be on (validate_configs)", "turn one of them off"));
    }

    private void datasetRules(ConfigNode p, ModelFacts model) {
        Optional<ConfigNode> datasets = p.get("datasets");
        if (datasets.isEmpty() || !datasets.get().isSequence() || datasets.get().items().isEmpty()) {
            if (datasets.isEmpty()) {
                findings.missing(Severity.ERROR, p, "datasets", "the process has no datasets, so there is nothing to train on",
                        "add 'datasets: [{folder_path: /path/to/images, caption_ext: txt, resolution: [512, 768, 1024]}]'");
            }
            return;
        }
        ConfigNode train = p.get("train").orElse(null);
        boolean trainCachesText = train != null && Boolean.TRUE.equals(train.get("cache_text_embeddings").map(ConfigNode::bool).orElse(null));
        List<ConfigNode> entries = datasets.get().items().stream().filter(ConfigNode::isMapping).toList();
        // validate_configs: text-embedding caching on one dataset needs it on all (train.cache_text_embeddings sets all).
        List<ConfigNode> caching = entries.stream().filter(d -> Boolean.TRUE.equals(d.get("cache_text_embeddings").map(ConfigNode::bool).orElse(null))).toList();
        if (!trainCachesText && !caching.isEmpty() && caching.size() < entries.size()) {
            for (ConfigNode d : entries) {
                if (!caching.contains(d)) {
                    findings.missing(Severity.ERROR, d, "cache_text_embeddings", "cache_text_embeddings is on for " + caching.size() + " of " + entries.size()
                                    + " datasets; ai-toolkit needs it on all of them or none (validate_configs)",
                            "set cache_text_embeddings: true on this dataset too, or set train.cache_text_embeddings: true");
                }
            }
        }
        if ((trainCachesText || !caching.isEmpty()) && train != null) {
            train.get("diff_output_preservation").filter(n -> Boolean.TRUE.equals(n.bool())).ifPresent(n -> findings.error(n,
                    "diff_output_preservation cannot be used with cached text embeddings (validate_configs)",
                    "turn off diff_output_preservation or text-embedding caching"));
        }
        for (ConfigNode d : entries) {
            if (!d.has("folder_path") && !d.has("dataset_path")) {
                findings.missing(Severity.ERROR, d, "folder_path", "the dataset has no folder_path", "set folder_path to the folder with the training images");
            }
            // DatasetConfig.__init__: augmentations cannot be cached, so caching is switched off silently.
            boolean augments = d.get("augments").filter(ConfigNode::isSequence).map(n -> !n.items().isEmpty()).orElse(false)
                    || d.get("augmentations").filter(ConfigNode::isSequence).map(n -> !n.items().isEmpty()).orElse(false);
            for (String cacheKey : List.of("cache_latents_to_disk", "cache_latents")) {
                d.get(cacheKey).filter(n -> Boolean.TRUE.equals(n.bool())).filter(n -> augments).ifPresent(n -> findings.warning(n,
                        cacheKey + " is on, but this dataset has augments/augmentations, and ai-toolkit then turns latent caching off (DatasetConfig)",
                        "remove the augmentations to keep the cache, or set " + cacheKey + ": false to say what happens"));
            }
            // data_loader.py get_dataloader_from_datasets: "Dataset level batch_size requires buckets to be enabled."
            d.get("batch_size").filter(n -> d.get("buckets").map(ConfigNode::bool).orElse(true) == Boolean.FALSE)
                    .ifPresent(n -> findings.error(n, "this dataset sets batch_size but turns buckets off, and ai-toolkit refuses that"
                                    + " (\"Dataset level batch_size requires buckets to be enabled.\")",
                            "remove buckets: false, or drop the dataset's batch_size and use train.batch_size"));
            // The UI names its sections multi_control_paths / multi_ctrl_imgs; DatasetConfig reads control_path_1..3.
            d.get("multi_control_paths").ifPresent(n -> findings.warning(n,
                    "multi_control_paths is the name of a section in ai-toolkit's UI, not a DatasetConfig key, so ai-toolkit ignores it",
                    "write the folders as control_path_1, control_path_2 and control_path_3 (or a control_path list)"));
            boolean hasControl = d.has("control_path") || d.has("control_path_1") || d.has("control_path_2") || d.has("control_path_3");
            if ("flux_kontext".equals(model.arch()) && !hasControl) {
                findings.missing(Severity.ERROR, d, "control_path", "arch flux_kontext trains on image pairs, but this dataset has no control_path",
                        "set control_path to the folder of control images (same file names as the training images)");
            }
            d.get("inpaint_path").ifPresent(n -> {
                if (!"flex2".equals(model.arch())) {
                    findings.warning(n, "inpaint_path is read only by the flex2 model; with arch '" + model.arch() + "' ai-toolkit ignores it",
                            "for FLUX inpainting use arch: flex2 with inpaint_path, or arch: flux_kontext with the masked images as control_path");
                }
            });
        }
    }
}
