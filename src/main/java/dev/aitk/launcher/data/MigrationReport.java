package dev.aitk.launcher.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a migration did (or, with {@code dryRun}, would do), in the form --json prints and the human output reads.
 *
 * @param pairsFound       base names with every given folder's file present
 * @param pairsMigrated    pairs written or already current in the output
 * @param filesWritten     output files written by this run (would be written, in a dry run)
 * @param filesUnchanged   output files an earlier run already wrote and that are still current
 * @param linkFallbacks    files copied because a hard link was impossible (--link across file systems)
 * @param captionFiles     targets with a caption file
 * @param captionsDefault  targets without one that train with {@code default_caption}
 * @param captionsMissing  targets with neither (ai-toolkit trains them with an empty caption)
 * @param ignoredFiles     files in the source folders that are neither images nor captions
 * @param foreignOutputFiles files in the output folders this migration did not write (ai-toolkit would train on them)
 * @param staleTempsRemoved temp files of an interrupted earlier run that were removed
 */
public record MigrationReport(Status status, String layout, String transfer, String output, boolean dryRun,
                              int pairsFound, int pairsMigrated, int filesWritten, int filesUnchanged,
                              int linkFallbacks, int captionFiles, int captionsDefault, List<String> captionsMissing,
                              List<LeftOut> leftOut, List<String> ignoredFiles, List<String> foreignOutputFiles,
                              int staleTempsRemoved, List<String> warnings, DatasetBlock datasetBlock) {

    public MigrationReport {
        captionsMissing = List.copyOf(captionsMissing);
        leftOut = List.copyOf(leftOut);
        ignoredFiles = List.copyOf(ignoredFiles);
        foreignOutputFiles = List.copyOf(foreignOutputFiles);
        warnings = List.copyOf(warnings);
    }

    public enum Status {
        /** Every matched pair is in the output (some files may be left out; see leftOut). */
        MIGRATED,
        /** --strict and something would be left out: nothing was written. */
        STRICT_LEFT_OUT,
        /** No target has all its partners: nothing to migrate. */
        NOTHING_TO_MIGRATE
    }

    /** Left-out files by source folder ({@code target}, {@code masked}, {@code mask}, {@code caption}) for the files without a partner. */
    @JsonProperty("unmatched")
    public Map<String, List<String>> unmatched() {
        Map<String, List<String>> byRole = new TreeMap<>();
        for (LeftOut l : leftOut) {
            if (l.reason() == LeftOut.Reason.NO_TARGET || l.reason() == LeftOut.Reason.NO_MASK
                    || l.reason() == LeftOut.Reason.NO_MASKED) {
                l.files().forEach((role, path) -> byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(path));
            }
        }
        byRole.values().forEach(l -> l.sort(null));
        return byRole;
    }

    /** The left-out pairs whose images differ in size, with every size. */
    @JsonProperty("sizeMismatches")
    public List<LeftOut> sizeMismatches() {
        return leftOut.stream().filter(l -> l.reason() == LeftOut.Reason.SIZE_MISMATCH).toList();
    }

    @JsonProperty("leftOutFiles")
    public int leftOutFiles() {
        return leftOut.stream().mapToInt(l -> l.files().size()).sum();
    }
}
