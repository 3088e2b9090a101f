package dev.aitk.launcher.validate;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.images.ImageHeader;
import dev.aitk.launcher.validate.ValidationReport.DatasetSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Checks one dataset entry on disk the way ai-toolkit's data loader will see it: the images it trains on
 * ({@link DatasetFiles}' listing rule), each image's caption (image path without extension + caption_ext), and its
 * mask, control and inpaint partners (same base name in the partner folder, extensions in ai-toolkit's order, first
 * found wins, names case-sensitive as os.path.exists is on Linux). One directory listing per folder; image headers
 * read in parallel.
 */
final class DatasetScan {
    // Folders ai-toolkit writes into a dataset; they hold no training images and can be huge.
    private static final Set<String> CACHE_FOLDERS = Set.of("_latent_cache", "_t_e_cache", "_clip_vision_cache");
    static final int LATENT_CHANNELS = 16;
    static final int LATENT_BYTES_PER_VALUE = 2;

    private final ExecutorService pool;
    private final Function<String, Path> resolver;
    private final boolean deep;
    private final Findings findings;

    DatasetScan(ExecutorService pool, Function<String, Path> resolver, boolean deep, Findings findings) {
        this.pool = pool;
        this.resolver = resolver;
        this.deep = deep;
        this.findings = findings;
    }

    DatasetSummary scan(ConfigNode dataset, ModelFacts model) {
        List<Integer> resolutions = resolutions(dataset);
        ConfigNode folderNode = dataset.get("folder_path").orElse(null);
        if (folderNode == null || folderNode.string() == null) {
            dataset.get("dataset_path").ifPresent(p -> findings.warning(p,
                    "datasets given as dataset_path (a JSON caption file) are not scanned by this launcher",
                    "use folder_path to have the images checked before the run"));
            return null;
        }
        Path folder = resolver.apply(folderNode.string());
        if (!folderUsable(findings, folderNode, folder, "folder_path", "the training images")) {
            return new DatasetSummary(dataset.path(), folder.toString(), 0, 0, 0, null, null, null, 0, 0, resolutions, null);
        }
        String captionExt = dataset.get("caption_ext").map(ConfigNode::string).orElse(".txt");
        if (!captionExt.isEmpty() && !captionExt.startsWith(".")) {
            captionExt = "." + captionExt;
        }
        boolean hasDefaultCaption = dataset.get("default_caption").map(ConfigNode::string).isPresent();

        ImageWalk walk = ImageWalk.of(folderNode, folder, captionExt, findings);
        List<Path> images = walk.images;
        List<String> bases = walk.bases;
        List<Boolean> captioned = walk.captioned;
        if (images.isEmpty()) {
            findings.error(folderNode, "folder_path " + folder + " has no .jpg, .jpeg, .png or .webp images (ai-toolkit: \"no images found\")",
                    "put the training images in that folder, or point folder_path at the folder that has them");
            return new DatasetSummary(dataset.path(), folder.toString(), 0, 0, 0, null, null, null, 0, 0, resolutions, null);
        }

        List<PartnerFolder> partners = new ArrayList<>();
        dataset.get("mask_path").filter(n -> n.string() != null).ifPresent(n -> addPartner("mask", n, DatasetFiles.IMAGE_EXTENSIONS, folder, partners));
        // DatasetConfig: control_path_1..3 (the UI's multi-control folders) replace control_path when any is set.
        List<ConfigNode> controls = new ArrayList<>();
        for (String key : List.of("control_path_1", "control_path_2", "control_path_3")) {
            dataset.get(key).ifPresent(controls::add);
        }
        if (controls.isEmpty()) {
            dataset.get("control_path").ifPresent(n -> controls.addAll(n.itemsOrSelf()));
        }
        for (ConfigNode item : controls) {
            if (item.string() != null && !item.string().isEmpty()) {
                addPartner("control", item, DatasetFiles.IMAGE_EXTENSIONS, folder, partners);
            }
        }
        dataset.get("inpaint_path").ifPresent(n -> {
            if (n.isSequence()) {
                findings.error(n, "inpaint_path must be one folder; ai-toolkit joins it with each file name, which fails for a list",
                        "set inpaint_path to a single folder");
            } else if (n.string() != null && "flex2".equals(model.arch())) {
                // Other archs ignore inpaint_path (a warning says so); its files are not worth errors then.
                addPartner("inpaint", n, DatasetFiles.INPAINT_EXTENSIONS, folder, partners);
            }
        });

        // One job list: every image, then every partner file found, read in parallel.
        int n = images.size();
        List<Path> toRead = new ArrayList<>(images);
        int[][] partnerIndex = new int[partners.size()][n];
        for (int k = 0; k < partners.size(); k++) {
            PartnerFolder p = partners.get(k);
            for (int i = 0; i < n; i++) {
                String file = p.byBase().get(bases.get(i));
                if (file == null) {
                    partnerIndex[k][i] = -1;
                } else {
                    partnerIndex[k][i] = toRead.size();
                    toRead.add(p.folder().resolve(file));
                }
            }
        }
        ImageHeader[] headers = HeaderPool.readAll(pool, toRead);
        String[] deepProblems = deep ? DeepDecode.decodeAll(pool, toRead, headers) : null;

        int minResolution = resolutions.stream().mapToInt(Integer::intValue).min().orElse(512);
        int withCaption = 0;
        int usingDefault = 0;
        int unreadable = 0;
        int small = 0;
        int[] partnerFound = new int[partners.size()];
        String ext = captionExt;
        // Names are built only for the files a finding mentions.
        java.util.function.IntFunction<String> nameOf = i -> folder.relativize(images.get(i)).toString();
        for (int i = 0; i < n; i++) {
            if (captioned.get(i)) {
                withCaption++;
                if (deep && emptyFile(images.get(i).resolveSibling(bases.get(i) + ext))) {
                    findings.perFile("caption-empty:" + dataset.path(), Severity.WARNING, folderNode,
                            "{n} caption files are empty, so ai-toolkit trains those images with an empty caption (default_caption is used only when the file is missing)",
                            "write the captions, or delete the empty files to fall back to default_caption", bases.get(i) + ext);
                }
            } else if (hasDefaultCaption) {
                usingDefault++;
            } else {
                findings.perFile("caption:" + dataset.path(), Severity.WARNING, folderNode,
                        "{n} images have no caption file (" + ext + ") and the dataset has no default_caption, so ai-toolkit trains them with an empty caption",
                        "write a " + ext + " file beside each image with the same name, or set default_caption (it may use [trigger])", nameOf.apply(i));
            }
            ImageHeader h = headers[i];
            String problem = h.ok() ? (deepProblems != null ? deepProblems[i] : null) : h.problem();
            if (problem == null && (long) h.width() * h.height() > ImageHeader.PILLOW_MAX_PIXELS) {
                problem = h.width() + "x" + h.height() + " is more pixels than Pillow opens (decompression-bomb guard)";
            }
            if (problem != null) {
                unreadable++;
                findings.perFile("corrupt:" + dataset.path(), Severity.ERROR, folderNode,
                        "{n} images cannot be read, and ai-toolkit stops or skips them", "re-export or delete these files", nameOf.apply(i) + " (" + problem + ")");
                continue;
            }
            // toolkit/buckets.py get_bucket_for_image_size: buckets hold about resolution^2 pixels, and an image
            // with fewer pixels than that gets a smaller bucket of its own size instead of being upscaled.
            if ((long) h.width() * h.height() < (long) minResolution * minResolution) {
                small++;
                findings.perFile("small:" + dataset.path(), Severity.WARNING, folderNode,
                        "{n} images have fewer pixels than the smallest training resolution (" + minResolution + "x" + minResolution
                                + "); ai-toolkit does not upscale them but trains them in smaller buckets, below the resolution you asked for",
                        "use larger images, or lower the smallest resolution to what the images have", nameOf.apply(i) + " (" + h.width() + "x" + h.height() + ")");
            }
            for (int k = 0; k < partners.size(); k++) {
                PartnerFolder p = partners.get(k);
                int idx = partnerIndex[k][i];
                if (idx < 0) {
                    String near = p.nearMiss(bases.get(i));
                    findings.perFile(p.kind() + "-missing:" + p.at().path(), Severity.ERROR, p.at(),
                            "{n} images have no " + p.kind() + " image in " + p.folder() + " (looked for the same name with "
                                    + String.join("/", p.extensions()) + ")",
                            "add the missing " + p.kind() + " files with the image's base name, or remove those images",
                            nameOf.apply(i) + (near != null ? " (found " + near + ", but names and extensions are case-sensitive)" : ""));
                    continue;
                }
                partnerFound[k]++;
                p.checkPair(nameOf.apply(i), p.folder().getFileName() + "/" + p.byBase().get(bases.get(i)), h, headers[idx],
                        deepProblems != null ? deepProblems[idx] : null, findings);
            }
        }
        Long cacheBytes = latentCacheBytes(dataset, n, resolutions);
        return new DatasetSummary(dataset.path(), folder.toString(), n, withCaption, usingDefault,
                count(partners, partnerFound, "mask"), count(partners, partnerFound, "control"),
                count(partners, partnerFound, "inpaint"), unreadable, small, resolutions, cacheBytes);
    }

    private static boolean emptyFile(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Integer count(List<PartnerFolder> partners, int[] found, String kind) {
        Integer total = null;
        for (int k = 0; k < partners.size(); k++) {
            if (partners.get(k).kind().equals(kind)) {
                total = (total == null ? 0 : total) + found[k];
            }
        }
        return total;
    }

    private void addPartner(String kind, ConfigNode at, List<String> extensions, Path trainingFolder, List<PartnerFolder> out) {
        PartnerFolder p = PartnerFolder.open(kind, at, extensions, trainingFolder, resolver, findings);
        if (p != null) {
            out.add(p);
        }
    }

    /** Whether a configured folder exists and can be listed; otherwise a finding at its key says why. */
    static boolean folderUsable(Findings findings, ConfigNode at, Path folder, String key, String what) {
        if (at.string() != null && at.string().contains("${")) {
            // An unset ${VAR} is already an error at this place; the folder cannot be known.
            return false;
        }
        if (!Files.exists(folder)) {
            boolean dangling = Files.exists(folder, LinkOption.NOFOLLOW_LINKS);
            findings.error(at, key + " " + folder + (dangling ? " is a symbolic link to nothing" : " does not exist"),
                    "create it or point " + key + " at the folder with " + what);
            return false;
        }
        if (!Files.isDirectory(folder)) {
            findings.error(at, key + " " + folder + " is a file, not a folder", "point " + key + " at the folder that holds " + what);
            return false;
        }
        if (!Files.isReadable(folder) || !Files.isExecutable(folder)) {
            findings.error(at, key + " " + folder + " cannot be read (permission denied)", "give the user running training read access: chmod -R u+rX " + folder);
            return false;
        }
        return true;
    }

    static List<Integer> resolutions(ConfigNode dataset) {
        List<Integer> out = new ArrayList<>();
        dataset.get("resolution").ifPresentOrElse(r -> {
            for (ConfigNode item : r.itemsOrSelf()) {
                Long v = item.integer();
                if (v != null && v > 0 && v <= 65536) {
                    out.add(v.intValue());
                }
            }
        }, () -> out.add(512));
        if (out.isEmpty()) {
            out.add(512);
        }
        return out;
    }

    /**
     * The latent cache ai-toolkit writes beside the images ({@code _latent_cache}, one safetensors file per image,
     * resolution and flip): 16 latent channels x (resolution/8)^2 x 2 bytes, plus a small header.
     */
    static Long latentCacheBytes(ConfigNode dataset, int images, List<Integer> resolutions) {
        boolean toDisk = Boolean.TRUE.equals(dataset.get("cache_latents_to_disk").map(ConfigNode::bool).orElse(null));
        boolean augmented = dataset.get("augments").filter(ConfigNode::isSequence).map(n -> !n.items().isEmpty()).orElse(false)
                || dataset.get("augmentations").filter(ConfigNode::isSequence).map(n -> !n.items().isEmpty()).orElse(false);
        if (!toDisk || augmented) {
            return null;
        }
        int flips = (Boolean.TRUE.equals(dataset.get("flip_x").map(ConfigNode::bool).orElse(null)) ? 2 : 1)
                * (Boolean.TRUE.equals(dataset.get("flip_y").map(ConfigNode::bool).orElse(null)) ? 2 : 1);
        long perImage = 0;
        for (int res : resolutions) {
            long side = res / 8;
            perImage += LATENT_CHANNELS * side * side * LATENT_BYTES_PER_VALUE + 512;
        }
        return perImage * images * flips;
    }

}
