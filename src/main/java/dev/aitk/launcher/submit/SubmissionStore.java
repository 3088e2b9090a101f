package dev.aitk.launcher.submit;

import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reads and writes the submission records under {@code <output>/slurm/<id>/submission.json}. */
public final class SubmissionStore {
    public static final String FOLDER = "slurm";

    private SubmissionStore() {
    }

    public static Path root(Path outputDir) {
        return outputDir.resolve(FOLDER);
    }

    static void write(Submission submission) {
        AtomicFiles.write(submission.directoryPath().resolve(Submission.FILE_NAME), Json.write(submission) + "\n", false);
    }

    /** Every submission recorded in the output folder, oldest first. */
    public static List<Submission> readAll(Path outputDir) {
        Path root = root(outputDir);
        if (!Files.isDirectory(root)) {
            throw new LauncherException(ExitCode.USAGE, "no submissions in " + outputDir + " (no " + FOLDER
                    + "/ folder); pass the --output folder you gave to submit, or job ids");
        }
        List<Submission> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path file = dir.resolve(Submission.FILE_NAME);
                if (Files.isRegularFile(file)) {
                    all.add(read(file));
                }
            }
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot list " + root + ": " + e.getMessage());
        }
        all.sort(Comparator.comparing(Submission::createdAt).thenComparing(Submission::id));
        return all;
    }

    static Submission read(Path file) {
        try {
            return Json.mapper().readValue(file.toFile(), Submission.class);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot read the submission record " + file + ": "
                    + e.getMessage().lines().findFirst().orElse("") + "; it was written by submit, do not edit it");
        }
    }
}
