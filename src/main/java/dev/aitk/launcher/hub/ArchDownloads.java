package dev.aitk.launcher.hub;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What ai-toolkit's model class for a {@code model.arch} downloads besides {@code model.name_or_path}, and which
 * file of {@code name_or_path} it actually reads, so a prefetch leaves the run nothing to fetch itself. FLUX.1
 * arches read the whole diffusers repo (text encoders included) and need nothing here. The FLUX.2 classes
 * (extensions_built_in/diffusion_models/flux2/) read one single-file transformer from the model's repo and load
 * their text encoder from its own repository, with its own licence, by a name fixed in the class.
 */
public final class ArchDownloads {
    /**
     * One download a model class makes. {@code repoId} null: the model's own repo ({@code name_or_path}).
     * {@code approxGb}: its size as published (bf16 weights), for the dry run's listing before the Hub is asked.
     */
    public record Download(String repoId, String filePath, String what, double approxGb) {
    }

    /**
     * The file of name_or_path the class reads ({@code flux2_te_filename}), and the other downloads. Sizes: the
     * transformer's and text encoder's parameter counts at 2 bytes (bf16), the VAE's published file.
     */
    private record Loader(String transformerFile, double transformerGb, List<Download> others) {
    }

    // flux2_klein_model.py: Flux2Klein4BModel / Flux2Klein9BModel (flux2_klein_te_path, flux2_te_filename,
    // flux2_vae_path "ai-toolkit/flux2_vae" when model.vae_path is unset and the model folder has no ae.safetensors).
    private static final Download KLEIN_VAE = new Download("ai-toolkit/flux2_vae", "ae.safetensors",
            "the FLUX.2 VAE (flux2_klein_model.py flux2_vae_path)", 0.34);
    private static final Map<String, Loader> LOADERS = Map.of(
            "flux2_klein_4b", new Loader("flux-2-klein-base-4b.safetensors", 7.8, List.of(
                    new Download("Qwen/Qwen3-4B", null, "the Qwen3-4B text encoder (flux2_klein_model.py "
                            + "flux2_klein_te_path)", 8.0), KLEIN_VAE)),
            "flux2_klein_9b", new Loader("flux-2-klein-base-9b.safetensors", 18.2, List.of(
                    new Download("Qwen/Qwen3-8B", null, "the Qwen3-8B text encoder (flux2_klein_model.py "
                            + "flux2_klein_te_path)", 16.4), KLEIN_VAE)),
            // flux2_model.py: Flux2Model reads flux2-dev.safetensors and ae.safetensors from the model's repo and
            // Mistral-Small-3.1 from MISTRAL_PATH (weights and AutoProcessor).
            "flux2", new Loader("flux2-dev.safetensors", 64.4, List.of(
                    new Download(null, "ae.safetensors", "the FLUX.2 VAE (flux2_model.py FLUX2_VAE_FILENAME)", 0.34),
                    new Download("mistralai/Mistral-Small-3.1-24B-Instruct-2503", null, "the Mistral-Small-3.1 "
                            + "text encoder (flux2_model.py MISTRAL_PATH)", 48.0))));

    private ArchDownloads() {
    }

    /** The one file of name_or_path the arch's class reads, when it reads one file rather than the repo. */
    public static Optional<String> modelFile(Object arch) {
        return loader(arch).map(Loader::transformerFile);
    }

    /** The model file's approximate size in GB, when the arch reads one file. */
    public static Optional<Double> modelFileGb(Object arch) {
        return loader(arch).map(Loader::transformerGb);
    }

    /**
     * The downloads beyond name_or_path. {@code vaeSetByConfig}: model.vae_path is set, so the class reads that
     * (prefetched as its own reference) instead of the default VAE repository.
     */
    public static List<Download> others(Object arch, boolean vaeSetByConfig) {
        return loader(arch).map(l -> l.others().stream()
                .filter(d -> !(vaeSetByConfig && d.filePath() != null && d.filePath().equals("ae.safetensors")))
                .toList()).orElse(List.of());
    }

    /**
     * The approximate size of a download some arch's class makes: a FLUX.2 transformer file (in any repo, since
     * name_or_path may be a fine-tune's), or one of the other downloads. Empty: unknown before the Hub lists it.
     */
    public static Optional<Double> approxGb(String repoId, Optional<String> file) {
        for (Loader l : LOADERS.values()) {
            if (file.isPresent() && file.get().equals(l.transformerFile())) {
                return Optional.of(l.transformerGb());
            }
            for (Download d : l.others()) {
                boolean sameRepo = d.repoId() == null || d.repoId().equals(repoId);
                if (sameRepo && java.util.Objects.equals(d.filePath(), file.orElse(null))) {
                    return Optional.of(d.approxGb());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Loader> loader(Object arch) {
        return arch instanceof String a ? Optional.ofNullable(LOADERS.get(a.strip().toLowerCase(Locale.ROOT)))
                : Optional.empty();
    }
}
