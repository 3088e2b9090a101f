package dev.aitk.launcher.validate;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.images.ImageHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A partner folder of a dataset (mask, control, inpaint) and the file ai-toolkit finds in it for each image base
 * name: the same base name with the first extension in ai-toolkit's order (toolkit/dataloader_mixins.py), case-
 * sensitive as os.path.exists is on Linux.
 */
final class PartnerFolder {
    private final String kind;
    private final ConfigNode at;
    private final Path folder;
    private final List<String> extensions;
    private final Map<String, String> byBase;
    private final List<String> names;
    private Map<String, String> byLowerBase;

    private PartnerFolder(String kind, ConfigNode at, Path folder, List<String> extensions, Map<String, String> byBase, List<String> names) {
        this.kind = kind;
        this.at = at;
        this.folder = folder;
        this.extensions = extensions;
        this.byBase = byBase;
        this.names = names;
    }

    String kind() {
        return kind;
    }

    ConfigNode at() {
        return at;
    }

    Path folder() {
        return folder;
    }

    List<String> extensions() {
        return extensions;
    }

    Map<String, String> byBase() {
        return byBase;
    }

    /** A file whose name matches {@code base} ignoring case, to explain a miss; built on the first miss. */
    String nearMiss(String base) {
        if (byLowerBase == null) {
            byLowerBase = new HashMap<>();
            for (String n : names) {
                int dot = n.lastIndexOf('.');
                if (dot > 0) {
                    byLowerBase.putIfAbsent(n.substring(0, dot).toLowerCase(Locale.ROOT), n);
                }
            }
        }
        return byLowerBase.get(base.toLowerCase(Locale.ROOT));
    }

    /** The partner folder at {@code at}, listed once; null (with a finding) when it cannot be used. */
    static PartnerFolder open(String kind, ConfigNode at, List<String> extensions, Path trainingFolder,
                              Function<String, Path> resolver, Findings findings) {
        Path folder = resolver.apply(at.string());
        if (!DatasetScan.folderUsable(findings, at, folder, at.path().substring(at.path().lastIndexOf('.') + 1), "the " + kind + " images")) {
            return null;
        }
        if (folder.normalize().startsWith(trainingFolder.normalize()) && !folder.normalize().equals(trainingFolder.normalize())
                && !folder.getFileName().toString().equals(DatasetFiles.CONTROLS_FOLDER)) {
            findings.warning(at, "the " + kind + " folder is inside folder_path, and ai-toolkit walks subfolders, so the " + kind
                    + " images are trained on as images too", "move the " + kind + " folder next to the training images folder, not inside it");
        }
        Map<String, String> byBase = new HashMap<>();
        List<String> names;
        try {
            names = ImageWalk.list(folder);
            for (String name : names) {
                int dot = name.lastIndexOf('.');
                if (dot <= 0) {
                    continue;
                }
                String ext = name.substring(dot);
                String base = name.substring(0, dot);
                int rank = extensions.indexOf(ext);
                if (rank >= 0) {
                    String existing = byBase.get(base);
                    if (existing == null || extensions.indexOf(existing.substring(existing.lastIndexOf('.'))) > rank) {
                        byBase.put(base, name);
                    }
                }
            }
        } catch (IOException e) {
            findings.error(at, "the " + kind + " folder " + folder + " cannot be listed: " + ImageWalk.reason(e), "check its permissions");
            return null;
        }
        return new PartnerFolder(kind, at, folder, extensions, byBase, names);
    }

    /** Checks one image's partner file: readable, the same shape, and for inpaint images RGBA. */
    void checkPair(String imageName, String partnerName, ImageHeader image, ImageHeader partner, String deepProblem,
                   Findings findings) {
        PartnerFolder p = this;
        String problem = partner.ok() ? deepProblem : partner.problem();
        if (problem != null) {
            findings.perFile(p.kind() + "-corrupt:" + p.at().path(), Severity.ERROR, p.at(),
                    "{n} " + p.kind() + " images cannot be read", "re-export or replace these files", partnerName + " (" + problem + ")");
            return;
        }
        if (partner.width() != image.width() || partner.height() != image.height()) {
            double a = image.width() / (double) image.height();
            double b = partner.width() / (double) partner.height();
            String dims = imageName + " " + image.width() + "x" + image.height() + " vs " + partnerName + " " + partner.width() + "x" + partner.height();
            if (Math.abs(a - b) / a > 0.01) {
                findings.perFile(p.kind() + "-shape:" + p.at().path(), Severity.ERROR, p.at(),
                        "{n} " + p.kind() + " images have a different shape from their training image, so after ai-toolkit resizes and crops them they no longer line up",
                        "make each " + p.kind() + " image the same size as its training image", dims);
            } else {
                findings.perFile(p.kind() + "-size:" + p.at().path(), Severity.WARNING, p.at(),
                        "{n} " + p.kind() + " images have the same shape but a different size from their training image; ai-toolkit resizes them to match",
                        "export them at the training image's size to avoid resampling", dims);
            }
        }
        // InpaintControlFileItemDTOMixin.load_inpaint_image: anything but mode RGBA is silently ignored.
        if (p.kind().equals("inpaint") && !"RGBA".equals(partner.pilMode())) {
            String why = "P".equals(partner.pilMode()) && partner.hasAlpha() ? "a palette image with a transparency chunk (mode P)"
                    : partner.hasAlpha() ? "an image with a transparent color key (mode " + partner.pilMode() + ")"
                    : "an image without alpha (mode " + partner.pilMode() + ")";
            findings.perFile("inpaint-mode:" + p.at().path(), Severity.ERROR, p.at(),
                    "{n} inpaint images do not open as RGBA, and ai-toolkit silently skips an inpaint image unless Pillow opens it in mode RGBA",
                    "save them as 8-bit RGBA PNG (color type 6) or WebP with alpha; the transparent area is what gets inpainted",
                    partnerName + " (" + why + ")");
        }
    }
}
