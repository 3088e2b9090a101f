package dev.aitk.launcher.validate;

import dev.aitk.launcher.images.DatasetFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The training images of one {@code folder_path}, walked as ai-toolkit's loader walks it ({@link DatasetFiles}),
 * each with its base name and whether its caption file exists. Folders that cannot be read, symlinked folders the
 * loader will not enter and link loops become findings at {@code folder_path}. One directory listing per folder.
 */
final class ImageWalk {
    // Folders ai-toolkit writes into a dataset; they hold no training images and can be huge.
    private static final Set<String> CACHE_FOLDERS = Set.of("_latent_cache", "_t_e_cache", "_clip_vision_cache");

    final List<Path> images = new ArrayList<>();
    final List<String> bases = new ArrayList<>();
    final List<Boolean> captioned = new ArrayList<>();
    private final ConfigNode at;
    private final Path root;
    private final String captionExt;
    private final Findings findings;

    private ImageWalk(ConfigNode at, Path root, String captionExt, Findings findings) {
        this.at = at;
        this.root = root;
        this.captionExt = captionExt;
        this.findings = findings;
    }

    /** @param captionExt with its dot, or empty when the dataset has no caption files */
    static ImageWalk of(ConfigNode at, Path root, String captionExt, Findings findings) {
        ImageWalk w = new ImageWalk(at, root, captionExt, findings);
        w.walk(root, 0);
        return w;
    }

    // os.walk without following links: symlinked folders are listed but not entered.
    private void walk(Path dir, int depth) {
        if (depth > DatasetFiles.MAX_DEPTH) {
            findings.error(at, "folder_path nests more than " + DatasetFiles.MAX_DEPTH + " folders deep at " + dir, "flatten the dataset folder");
            return;
        }
        List<String> names;
        try {
            names = list(dir);
        } catch (AccessDeniedException e) {
            findings.perFile("unlistable:" + at.path(), Severity.ERROR, at, "{n} folders in the dataset cannot be read (permission denied)",
                    "give the user running training read access (chmod -R u+rX)", root.relativize(dir).toString());
            return;
        } catch (IOException e) {
            findings.perFile("unlistable:" + at.path(), Severity.ERROR, at, "{n} folders in the dataset cannot be listed",
                    "check the disk and permissions", root.relativize(dir) + " (" + reason(e) + ")");
            return;
        }
        names.sort(null);
        Set<String> nameSet = captionExt.isEmpty() ? Set.of() : new HashSet<>(names);
        boolean controlsFolder = dir.getFileName() != null && dir.getFileName().toString().equals(DatasetFiles.CONTROLS_FOLDER);
        TreeSet<String> subdirs = new TreeSet<>();
        for (String name : names) {
            if (DatasetFiles.isTrainingImage(name)) {
                if (!controlsFolder) {
                    String base = name.substring(0, name.lastIndexOf('.'));
                    images.add(dir.resolve(name));
                    bases.add(base);
                    captioned.add(!captionExt.isEmpty() && nameSet.contains(base + captionExt));
                }
                continue;
            }
            if (!captionExt.isEmpty() && name.endsWith(captionExt) || CACHE_FOLDERS.contains(name)) {
                continue;
            }
            Path p = dir.resolve(name);
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    if (DatasetFiles.isWalked(name)) {
                        subdirs.add(name);
                    }
                } else if (a.isSymbolicLink()) {
                    symlink(p);
                }
            } catch (IOException e) {
                // A name that vanished or cannot be examined is not an image ai-toolkit would train on.
            }
        }
        for (String sub : subdirs) {
            walk(dir.resolve(sub), depth + 1);
        }
    }

    private void symlink(Path link) {
        try {
            if (Files.readAttributes(link, BasicFileAttributes.class).isDirectory()) {
                findings.perFile("symlink-dir:" + at.path(), Severity.WARNING, at,
                        "{n} folders in the dataset are symbolic links, and ai-toolkit (os.walk) does not follow them, so their images are not trained on",
                        "copy or move those folders into the dataset, or point a separate dataset entry at them", root.relativize(link).toString());
            }
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).toLowerCase(Locale.ROOT).contains("symbolic links")) {
                findings.perFile("symlink-loop:" + at.path(), Severity.ERROR, at,
                        "{n} entries in the dataset are symbolic link loops", "delete those links", root.relativize(link).toString());
            }
        } catch (IOException e) {
            // A dangling link to something without an image name is not read by ai-toolkit.
        }
    }

    /** A folder's names: File.list is one readdir pass without a Path object per entry; on failure, the reason. */
    static List<String> list(Path dir) throws IOException {
        String[] names = dir.toFile().list();
        if (names != null) {
            return new ArrayList<>(Arrays.asList(names));
        }
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        }
        return out;
    }

    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
