package dev.aitk.launcher.data;

import dev.aitk.launcher.images.DatasetFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lists the source folders and pairs their files by base name, the way ai-toolkit pairs an image with its partners
 * (same name without extension, any image extension). Every file ends up either in a {@link Triple} or in a
 * {@link LeftOut}; files that are neither images nor captions are listed as ignored.
 */
final class Pairing {

    record Result(List<Triple> matched, List<LeftOut> leftOut, List<String> ignoredFiles) {
    }

    private Pairing() {
    }

    static Result pair(MigrationRequest request) throws IOException {
        Map<Role, Map<String, List<Path>>> byRole = new EnumMap<>(Role.class);
        List<String> ignored = new ArrayList<>();
        for (Role role : List.of(Role.TARGET, Role.MASKED, Role.MASK)) {
            Optional<Path> dir = request.folder(role);
            if (dir.isPresent()) {
                byRole.put(role, list(dir.get(), role, request.captionExt(), ignored,
                        role == Role.TARGET && request.captions().isEmpty()));
            }
        }
        // Captions come from --captions, or from beside the targets when no caption folder is given.
        Map<String, List<Path>> captions = request.captions().isPresent()
                ? list(request.captions().get(), Role.CAPTION, request.captionExt(), ignored, false)
                : captionsBeside(request.targets(), request.captionExt());
        byRole.put(Role.CAPTION, captions);

        Map<String, List<Path>> targets = byRole.get(Role.TARGET);
        Map<String, String> targetsByLowerName = new HashMap<>();
        targets.keySet().forEach(n -> targetsByLowerName.put(n.toLowerCase(Locale.ROOT), n));

        TreeSet<String> names = new TreeSet<>();
        byRole.values().forEach(m -> names.addAll(m.keySet()));

        List<Triple> matched = new ArrayList<>();
        List<LeftOut> leftOut = new ArrayList<>();
        for (String name : names) {
            Map<String, String> files = new LinkedHashMap<>();
            Role duplicated = null;
            for (Map.Entry<Role, Map<String, List<Path>>> e : byRole.entrySet()) {
                List<Path> found = e.getValue().getOrDefault(name, List.of());
                for (int i = 0; i < found.size(); i++) {
                    files.put(e.getKey().key() + (i == 0 ? "" : "#" + (i + 1)), found.get(i).toString());
                }
                if (found.size() > 1 && duplicated == null) {
                    duplicated = e.getKey();
                }
            }
            if (duplicated != null) {
                leftOut.add(new LeftOut(name, LeftOut.Reason.DUPLICATE_NAME, files, Map.of(),
                        "more than one file named '" + name + ".*' in " + duplicated.flag()
                                + ": keep one of them (ai-toolkit would pair only the first it finds)"));
                continue;
            }
            Path target = only(targets, name);
            if (target == null) {
                String hint = targetsByLowerName.containsKey(name.toLowerCase(Locale.ROOT))
                        ? " (target '" + targetsByLowerName.get(name.toLowerCase(Locale.ROOT))
                                + "' differs only in case; names must match exactly)"
                        : "";
                leftOut.add(new LeftOut(name, LeftOut.Reason.NO_TARGET, files, Map.of(),
                        "no target image named '" + name + ".*' in --targets" + hint));
                continue;
            }
            Path masked = byRole.containsKey(Role.MASKED) ? only(byRole.get(Role.MASKED), name) : null;
            Path mask = byRole.containsKey(Role.MASK) ? only(byRole.get(Role.MASK), name) : null;
            if (byRole.containsKey(Role.MASKED) && masked == null) {
                leftOut.add(new LeftOut(name, LeftOut.Reason.NO_MASKED, files, Map.of(),
                        "no masked image named '" + name + ".*' in --masked"));
                continue;
            }
            if (byRole.containsKey(Role.MASK) && mask == null) {
                leftOut.add(new LeftOut(name, LeftOut.Reason.NO_MASK, files, Map.of(),
                        "no mask named '" + name + ".*' in --masks"));
                continue;
            }
            matched.add(new Triple(name, target, Optional.ofNullable(masked), Optional.ofNullable(mask),
                    Optional.ofNullable(only(captions, name))));
        }
        return new Result(matched, leftOut, ignored);
    }

    private static Path only(Map<String, List<Path>> byName, String name) {
        List<Path> found = byName.get(name);
        return found == null || found.isEmpty() ? null : found.get(0);
    }

    private static Map<String, List<Path>> list(Path dir, Role role, String captionExt, List<String> ignored,
                                                boolean captionsAllowed) throws IOException {
        Map<String, List<Path>> byName = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String fileName = p.getFileName().toString();
                // Hidden files (.DS_Store, our own .name.tmp) are never data.
                if (fileName.startsWith(".") || !Files.isRegularFile(p)) {
                    continue;
                }
                String ext = DatasetFiles.extension(fileName);
                boolean wanted = role == Role.CAPTION ? ext.equals(captionExt) : DatasetFiles.hasExtension(fileName, DatasetFiles.IMAGE_EXTENSIONS);
                if (wanted) {
                    byName.computeIfAbsent(DatasetFiles.baseName(fileName), k -> new ArrayList<>()).add(p);
                } else if (!(captionsAllowed && ext.equals(captionExt))) {
                    ignored.add(p.toString());
                }
            }
        }
        byName.values().forEach(l -> l.sort(null));
        return byName;
    }

    private static Map<String, List<Path>> captionsBeside(Path targets, String captionExt) throws IOException {
        Map<String, List<Path>> byName = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(targets, "*." + captionExt)) {
            for (Path p : entries) {
                String fileName = p.getFileName().toString();
                if (!fileName.startsWith(".") && Files.isRegularFile(p)) {
                    byName.computeIfAbsent(DatasetFiles.baseName(fileName), k -> new ArrayList<>()).add(p);
                }
            }
        }
        return byName;
    }
}
