package dev.aitk.launcher.data;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The migration's output folder: made ready before writing, and checked afterwards for files it did not write. */
final class OutputFolder {
    private OutputFolder() {
    }

    /** Creates the images and partner folders and removes temp files a killed earlier run left; returns how many. */
    static int prepare(MigrationRequest request) {
        if (request.dryRun()) {
            return 0;
        }
        try {
            Files.createDirectories(request.imagesDir());
            Files.createDirectories(request.partnerDir());
            return AtomicFiles.removeStaleTemps(request.imagesDir()) + AtomicFiles.removeStaleTemps(request.partnerDir());
        } catch (IOException e) {
            throw cannotWrite(request.output(), e);
        }
    }

    static LauncherException cannotWrite(Path where, IOException e) {
        return new LauncherException(ExitCode.ENVIRONMENT, "cannot write " + where + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); check free space and permissions of --output", e);
    }

    /** The file a pair's target lands as: ai-toolkit looks partners up with lower-case extensions only. */
    static String targetName(Triple t) {
        return t.name() + "." + DatasetFiles.extension(t.target().getFileName().toString());
    }

    /** The partner file's name: Kontext keeps the masked image's format, the converted layouts write PNG. */
    static String partnerName(Triple t, Layout layout) {
        return t.name() + "." + (layout == Layout.KONTEXT
                ? DatasetFiles.extension(t.masked().orElseThrow().getFileName().toString()) : "png");
    }

    /** Visible files in the output that this migration did not write: ai-toolkit would train on them too. */
    static List<String> foreignFiles(MigrationRequest request, List<PairProbe.Planned> planned) {
        Set<Path> expected = new HashSet<>();
        for (PairProbe.Planned p : planned) {
            Triple t = p.triple();
            expected.add(request.imagesDir().resolve(targetName(t)));
            expected.add(request.imagesDir().resolve(t.name() + "." + request.captionExt()));
            expected.add(request.partnerDir().resolve(partnerName(t, request.layout())));
        }
        List<String> foreign = new ArrayList<>();
        for (Path dir : List.of(request.imagesDir(), request.partnerDir())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path f : entries) {
                    if (!f.getFileName().toString().startsWith(".") && Files.isRegularFile(f) && !expected.contains(f)) {
                        foreign.add(f.toString());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        foreign.sort(null);
        return foreign;
    }
}
