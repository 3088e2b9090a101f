package dev.aitk.launcher.data;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks a request's folders before anything is read: the ones the layout needs exist, and --output is outside them. */
final class SourceFolders {
    private SourceFolders() {
    }

    /**
     * @throws LauncherException USAGE when a needed folder is not given or the output overlaps a source folder,
     *                           INPUT_INVALID when a source folder is missing
     */
    static void check(MigrationRequest request) {
        Role required = request.layout().requiredPartner();
        if (request.folder(required).isEmpty()) {
            throw new LauncherException(ExitCode.USAGE, "the " + request.layout().cliName() + " layout needs "
                    + required.flag() + " DIR (" + (required == Role.MASKED ? "the masked images" : "the masks") + ")");
        }
        List<Path> sources = new ArrayList<>();
        for (Role role : Role.values()) {
            Optional<Path> dir = request.folder(role);
            if (dir.isEmpty()) {
                continue;
            }
            if (!Files.isDirectory(dir.get())) {
                throw new LauncherException(ExitCode.INPUT_INVALID, role.flag() + " " + dir.get()
                        + (Files.exists(dir.get()) ? " is not a folder" : " does not exist") + "; give the folder that holds the files");
            }
            sources.add(real(dir.get()));
        }
        Path output = real(request.output());
        if (Files.exists(request.output()) && !Files.isDirectory(request.output())) {
            throw new LauncherException(ExitCode.USAGE, "--output " + request.output() + " is a file; give a folder");
        }
        for (Path source : sources) {
            for (Path out : List.of(output, output.resolve("images"), output.resolve(request.layout().folderName()))) {
                if (out.equals(source) || out.startsWith(source)) {
                    throw new LauncherException(ExitCode.USAGE, "--output " + request.output() + " would write into the source folder "
                            + source + "; choose an output folder outside the source folders (they are never modified)");
                }
            }
        }
    }

    // Links resolved, so a source reached through a symlink is still recognised as the same folder.
    private static Path real(Path p) {
        try {
            return Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
