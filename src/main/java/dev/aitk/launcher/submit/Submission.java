package dev.aitk.launcher.submit;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code submit} did, kept as {@code submission.json} in its folder under
 * {@code <output>/slurm/} so {@code status} and {@code cancel} work without job ids. Paths are plain strings
 * so the record reads as written; {@code createdAt} is ISO-8601 UTC.
 *
 * @param prefetchJobs one per model, run before the array; empty with --no-prefetch
 * @param arrayJobId   the array's job id; null for a dry run
 */
public record Submission(int format, String id, String scheduler, String createdAt, String name, String outputDir,
                         String directory, boolean dryRun, List<PrefetchJob> prefetchJobs, String arrayJobId,
                         String arrayScript, String submitScript, List<Task> tasks, List<PlanPreview> previews,
                         List<String> notes) {
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "submission.json";

    public Submission {
        prefetchJobs = List.copyOf(prefetchJobs);
        tasks = List.copyOf(tasks);
        previews = previews == null ? List.of() : List.copyOf(previews);
        notes = List.copyOf(notes);
    }

    public record PrefetchJob(String jobId, String model, String script) {
    }

    /** One array task: index, run name, rendered config, the folder of its checkpoints and run.json. */
    public record Task(int index, String name, String config, String runDir, String model, List<String> settings) {
        public Task {
            settings = List.copyOf(settings);
        }
    }

    public Path directoryPath() {
        return Path.of(directory);
    }

    /** Every scheduler job id this submission created. */
    public List<String> jobIds() {
        List<String> ids = new java.util.ArrayList<>();
        prefetchJobs.forEach(p -> {
            if (p.jobId() != null) {
                ids.add(p.jobId());
            }
        });
        if (arrayJobId != null) {
            ids.add(arrayJobId);
        }
        return ids;
    }
}
