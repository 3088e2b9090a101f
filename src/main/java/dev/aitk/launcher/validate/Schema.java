package dev.aitk.launcher.validate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a FLUX LoRA run uses, section by section, with their types and ranges (read from ai-toolkit's
 * toolkit/config_modules.py: SaveConfig, NetworkConfig, TrainConfig, ModelConfig, DatasetConfig,
 * SampleConfig, LoggingConfig). Keys ai-toolkit reads but this launcher does not check are listed as
 * {@link Kind#ANY} so they are not reported as unknown; everything else is a warning, never an error.
 */
final class Schema {
    enum Kind {
        STRING("a string"),
        INT("a whole number"),
        NUMBER("a number"),
        BOOL("true or false"),
        MAP("a mapping"),
        LIST("a list"),
        STRING_OR_LIST("a string or a list of strings"),
        INT_OR_LIST("a whole number or a list of whole numbers"),
        ANY("anything");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    record Key(String name, Kind kind, Double min, Double max, List<String> choices, String hint) {
    }

    /** Sections by their path relative to a process entry ("" is the document root, "process" the entry). */
    static final Map<String, Map<String, Key>> SECTIONS = new LinkedHashMap<>();

    private static Map<String, Key> current;

    private static void section(String name) {
        current = new LinkedHashMap<>();
        SECTIONS.put(name, current);
    }

    private static void key(String name, Kind kind) {
        current.put(name, new Key(name, kind, null, null, List.of(), null));
    }

    private static void range(String name, Kind kind, Double min, Double max, String hint) {
        current.put(name, new Key(name, kind, min, max, List.of(), hint));
    }

    private static void choice(String name, String... choices) {
        current.put(name, new Key(name, Kind.STRING, null, null, List.of(choices), null));
    }

    private static void any(String... names) {
        for (String n : names) {
            key(n, Kind.ANY);
        }
    }

    static final List<String> DTYPES = List.of("fp32", "float32", "fp16", "float16", "half", "bf16", "bfloat16");

    static {
        section("");
        key("job", Kind.STRING);
        key("config", Kind.MAP);
        key("meta", Kind.MAP);
        any("capability_version");

        section("config");
        key("name", Kind.STRING);
        key("process", Kind.LIST);
        any("device", "log_dir");

        section("process");
        key("type", Kind.STRING);
        key("training_folder", Kind.STRING);
        key("device", Kind.STRING);
        key("trigger_word", Kind.STRING);
        key("network", Kind.MAP);
        key("save", Kind.MAP);
        key("datasets", Kind.LIST);
        key("train", Kind.MAP);
        key("model", Kind.MAP);
        key("sample", Kind.MAP);
        key("logging", Kind.MAP);
        range("performance_log_every", Kind.INT, 0.0, null, null);
        any("log_dir", "sqlite_db_path", "adapter", "embedding", "decorator", "slider", "guidance", "accelerator",
                "network_weight", "validation", "evaluation");

        section("network");
        choice("type", "lora", "locon", "lokr", "lorm");
        range("linear", Kind.INT, 1.0, 3072.0, "FLUX LoRAs use 4 to 128; the hidden size 3072 is the most that means anything");
        range("linear_alpha", Kind.NUMBER, 0.0, null, null);
        range("rank", Kind.INT, 1.0, 3072.0, null);
        range("alpha", Kind.NUMBER, 0.0, null, null);
        range("conv", Kind.INT, 1.0, null, null);
        range("conv_alpha", Kind.NUMBER, 0.0, null, null);
        range("dropout", Kind.NUMBER, 0.0, 1.0, null);
        key("network_kwargs", Kind.MAP);
        key("transformer_only", Kind.BOOL);
        key("lokr_full_rank", Kind.BOOL);
        range("lokr_factor", Kind.INT, -1.0, null, null);
        any("lorm", "split_multistage_loras");

        section("save");
        current.put("dtype", new Key("dtype", Kind.STRING, null, null, DTYPES, null));
        range("save_every", Kind.INT, 1.0, null, null);
        range("max_step_saves_to_keep", Kind.INT, 0.0, null, null);
        key("save_format", Kind.STRING);
        key("push_to_hub", Kind.BOOL);
        key("hf_repo_id", Kind.STRING);
        key("hf_private", Kind.BOOL);

        section("datasets[]");
        key("folder_path", Kind.STRING);
        key("dataset_path", Kind.STRING);
        key("caption_ext", Kind.STRING);
        key("default_caption", Kind.STRING);
        key("trigger_word", Kind.STRING);
        range("caption_dropout_rate", Kind.NUMBER, 0.0, 1.0, null);
        range("token_dropout_rate", Kind.NUMBER, 0.0, 1.0, null);
        key("shuffle_tokens", Kind.BOOL);
        range("keep_tokens", Kind.INT, 0.0, null, null);
        key("cache_latents", Kind.BOOL);
        key("cache_latents_to_disk", Kind.BOOL);
        key("cache_text_embeddings", Kind.BOOL);
        key("cache_clip_vision_to_disk", Kind.BOOL);
        range("resolution", Kind.INT_OR_LIST, 64.0, 4096.0, "FLUX trains at 256 to 2048 pixels");
        range("num_repeats", Kind.INT, 1.0, null, null);
        key("flip_x", Kind.BOOL);
        key("flip_y", Kind.BOOL);
        key("augments", Kind.LIST);
        key("augmentations", Kind.LIST);
        key("control_path", Kind.STRING_OR_LIST);
        key("inpaint_path", Kind.STRING_OR_LIST);
        key("mask_path", Kind.STRING);
        key("alpha_mask", Kind.BOOL);
        key("invert_mask", Kind.BOOL);
        range("mask_min_value", Kind.NUMBER, 0.0, 1.0, null);
        key("controls", Kind.STRING_OR_LIST);
        key("is_reg", Kind.BOOL);
        range("network_weight", Kind.NUMBER, null, null, null);
        key("random_crop", Kind.BOOL);
        key("random_scale", Kind.BOOL);
        range("scale", Kind.NUMBER, 0.0, null, null);
        key("buckets", Kind.BOOL);
        range("bucket_tolerance", Kind.INT, 1.0, null, null);
        key("square_crop", Kind.BOOL);
        range("num_workers", Kind.INT, 0.0, null, null);
        range("prefetch_factor", Kind.INT, 1.0, null, null);
        any("type", "random_triggers", "random_triggers_max", "caption_type", "poi", "use_short_captions",
                "unconditional_path", "shuffle_augmentations", "guidance_type", "clip_image_path",
                "clip_image_from_same_folder", "clip_image_augmentations", "clip_image_shuffle_augmentations",
                "replacements", "loss_multiplier", "extra_values", "replay_transforms", "num_frames",
                "shrink_video_to_frames", "fps", "debug", "fast_image_size", "do_i2v", "standardize_images",
                "full_size_control_images", "control_transparent_color", "cache_control_latents_to_disk",
                "customized_shape", "auto_frame_count");
        // DatasetConfig: the UI's multi-control section writes control_path_1..3, which become a control_path list.
        key("control_path_1", Kind.STRING);
        key("control_path_2", Kind.STRING);
        key("control_path_3", Kind.STRING);
        // DatasetConfig.batch_size overrides train.batch_size for this dataset (data_loader.py, buckets only).
        range("batch_size", Kind.INT, 1.0, 256.0, null);
        // Not a key: ToolkitRules says so with the keys to use instead.
        any("multi_control_paths");

        section("train");
        range("batch_size", Kind.INT, 1.0, 256.0, null);
        range("steps", Kind.INT, 1.0, null, null);
        range("gradient_accumulation_steps", Kind.INT, -1.0, null, "-1 accumulates a whole epoch; 0 is not allowed");
        range("gradient_accumulation", Kind.INT, 1.0, null, null);
        key("train_unet", Kind.BOOL);
        key("train_text_encoder", Kind.BOOL);
        key("gradient_checkpointing", Kind.BOOL);
        key("noise_scheduler", Kind.STRING);
        key("optimizer", Kind.STRING);
        key("optimizer_params", Kind.MAP);
        range("lr", Kind.NUMBER, 0.0, 10.0, null);
        range("unet_lr", Kind.NUMBER, 0.0, 10.0, null);
        range("text_encoder_lr", Kind.NUMBER, 0.0, 10.0, null);
        key("lr_scheduler", Kind.STRING);
        key("lr_scheduler_params", Kind.MAP);
        key("ema_config", Kind.MAP);
        current.put("dtype", new Key("dtype", Kind.STRING, null, null, DTYPES, null));
        key("unload_text_encoder", Kind.BOOL);
        key("cache_text_embeddings", Kind.BOOL);
        key("skip_first_sample", Kind.BOOL);
        key("disable_sampling", Kind.BOOL);
        key("diff_output_preservation", Kind.BOOL);
        key("do_guidance_loss", Kind.BOOL);
        key("bypass_guidance_embedding", Kind.BOOL);
        range("max_grad_norm", Kind.NUMBER, 0.0, null, null);
        range("noise_offset", Kind.NUMBER, 0.0, 1.0, null);
        any("content_or_style", "min_denoising_steps", "max_denoising_steps", "xformers", "sdp", "train_refiner",
                "train_turbo", "show_turbo_outputs", "min_snr_gamma", "snr_gamma", "learnable_snr_gos", "force_first_sample",
                "weight_jitter", "merge_network_on_save", "start_step", "free_u", "adapter_assist_name_or_path",
                "adapter_assist_type", "noise_multiplier", "target_noise_multiplier", "random_noise_multiplier",
                "random_noise_shift", "img_multiplier", "noisy_latent_multiplier", "latent_multiplier", "negative_prompt",
                "max_negative_prompts", "reg_weight", "num_train_timesteps", "adaptive_scaling_factor",
                "prompt_dropout_prob", "match_noise_norm", "short_and_long_captions",
                "short_and_long_captions_encoder_split", "single_item_batching", "match_adapter_assist",
                "match_adapter_chance", "loss_target", "inverted_mask_prior", "inverted_mask_prior_multiplier",
                "diff_output_preservation_multiplier", "diff_output_preservation_class", "standardize_images",
                "standardize_latents", "dynamic_noise_offset", "do_cfg", "do_random_cfg", "cfg_scale", "max_cfg_scale",
                "cfg_rescale", "correct_pred_norm", "correct_pred_norm_multiplier", "loss_type", "pred_scaler",
                "prompt_saturation_chance", "do_prior_divergence", "target_norm_std", "target_norm_std_value",
                "timestep_type", "next_sample_timesteps", "linear_timesteps", "linear_timesteps2",
                "do_paramiter_swapping", "paramiter_swapping_factor", "latent_feature_extractor_path",
                "latent_feature_loss_weight", "diffusion_feature_extractor_path", "diffusion_feature_extractor_weight",
                "optimal_noise_pairing_samples", "force_consistent_noise", "blended_blur_noise", "guidance_loss_target",
                "unconditional_prompt", "switch_boundary_every", "embedding_lr", "adapter_lr", "refiner_lr",
                "weight_decay", "warmup_steps", "lr_warmup_steps", "bypass_guidance_embedding", "auto_batch_size",
                "audio_loss_multiplier", "do_differential_guidance", "differential_guidance_scale");

        section("train.ema_config");
        key("use_ema", Kind.BOOL);
        range("ema_decay", Kind.NUMBER, 0.0, 1.0, null);
        any("use_feedback", "param_multiplier");

        section("model");
        key("name_or_path", Kind.STRING);
        key("arch", Kind.STRING);
        key("is_flux", Kind.BOOL);
        key("quantize", Kind.BOOL);
        key("qtype", Kind.STRING);
        key("quantize_te", Kind.BOOL);
        key("qtype_te", Kind.STRING);
        key("low_vram", Kind.BOOL);
        key("assistant_lora_path", Kind.STRING);
        key("lora_path", Kind.STRING);
        key("extras_name_or_path", Kind.STRING);
        key("te_name_or_path", Kind.STRING);
        key("split_model_over_gpus", Kind.BOOL);
        key("attn_masking", Kind.BOOL);
        key("compile", Kind.BOOL);
        current.put("dtype", new Key("dtype", Kind.STRING, null, null, DTYPES, null));
        any("name_or_path_original", "is_v2", "is_xl", "is_pixart", "is_pixart_sigma", "is_auraflow", "is_v3", "is_lumina2",
                "use_flux_cfg", "is_ssd", "is_vega", "is_v_pred", "vae_path", "refiner_name_or_path", "refiner_start_at",
                "inference_lora_path", "latent_space_version", "use_text_encoder_1", "use_text_encoder_2",
                "experimental_xl", "text_encoder_bits", "unet_path", "unet_sample_size", "vae_device", "vae_dtype",
                "te_device", "te_dtype", "ignore_if_contains", "only_if_contains", "quantize_kwargs",
                "split_model_other_module_param_count_scale", "accuracy_recovery_adapter");
        key("model_kwargs", Kind.MAP);
        key("layer_offloading", Kind.BOOL);
        range("layer_offloading_transformer_percent", Kind.NUMBER, 0.0, 1.0, "0 is off and 1.0 is every layer (ModelConfig)");
        range("layer_offloading_text_encoder_percent", Kind.NUMBER, 0.0, 1.0, "0 is off and 1.0 is every layer (ModelConfig)");
        // Read by ModelKeyRules only to say that ai-toolkit ignores it.
        key("quantize_device", Kind.ANY);

        section("sample");
        key("sampler", Kind.STRING);
        range("sample_every", Kind.INT, 1.0, null, null);
        range("width", Kind.INT, 64.0, 4096.0, null);
        range("height", Kind.INT, 64.0, 4096.0, null);
        key("prompts", Kind.LIST);
        key("samples", Kind.LIST);
        // Not a key: SampleImages says so with the keys to use instead.
        any("multi_ctrl_imgs");
        key("neg", Kind.ANY);
        key("seed", Kind.INT);
        key("walk_seed", Kind.BOOL);
        range("guidance_scale", Kind.NUMBER, 0.0, 100.0, null);
        range("sample_steps", Kind.INT, 1.0, 1000.0, null);
        choice("format", "jpg", "png", "webp", "jxl", "mp4");
        any("network_multiplier", "guidance_rescale", "adapter_conditioning_scale", "refiner_start_at",
                "extra_values", "num_frames", "fps", "do_cfg_norm", "sampling_flow_shift");

        section("logging");
        range("log_every", Kind.INT, 1.0, null, null);
        key("verbose", Kind.BOOL);
        key("use_wandb", Kind.BOOL);
        key("use_ui_logger", Kind.BOOL);
        key("project_name", Kind.STRING);
        key("run_name", Kind.STRING);
        current = null;
    }

    private Schema() {
    }
}
