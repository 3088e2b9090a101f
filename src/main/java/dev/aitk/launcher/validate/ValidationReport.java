package dev.aitk.launcher.validate;

import java.util.List;

/**
 * Everything one validation found: the findings (errors first, then warnings, each in file order) and
 * a summary of what was looked at. {@code --json} prints this record as it is.
 */
public record ValidationReport(String config, List<Finding> findings, Summary summary) {

    public ValidationReport {
        findings = List.copyOf(findings);
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(Finding::isError);
    }

    public long errorCount() {
        return findings.stream().filter(Finding::isError).count();
    }

    public long warningCount() {
        return findings.size() - errorCount();
    }

    /** What was checked and the numbers behind the findings; lists are empty where a stage did not run. */
    public record Summary(List<DatasetSummary> datasets, List<DiskNeed> disk, Fit fit, List<String> notes,
                          long elapsedMillis) {
        public Summary {
            datasets = List.copyOf(datasets);
            disk = List.copyOf(disk);
            notes = List.copyOf(notes);
        }
    }

    /**
     * One dataset entry as found on disk. Partner counts are null where the dataset does not use that
     * partner kind; {@code latentCacheBytes} is the estimated size of the {@code _latent_cache} ai-toolkit writes.
     */
    public record DatasetSummary(String path, String folder, int images, int withCaption, int usingDefaultCaption,
                                 Integer withMask, Integer withControl, Integer withInpaint, int unreadable,
                                 int smallerThanResolution, List<Integer> resolutionsPx, Long latentCacheBytes) {
        public DatasetSummary {
            resolutionsPx = List.copyOf(resolutionsPx);
        }
    }

    /** Room a run needs on one file system and what is free there; {@code enough} is false when it will not fit. */
    public record DiskNeed(String what, String folder, long neededBytes, Long freeBytes, String detail) {
        public boolean enough() {
            return freeBytes == null || freeBytes >= neededBytes;
        }
    }

    /**
     * The GPU memory check. {@code checked} is false with a {@code note} saying why (no GPU detected, no model);
     * otherwise the predicted peak of one training process against the usable memory of the card it runs on.
     */
    public record Fit(boolean checked, String note, String gpu, Double predictedPeakGib, Double usableGib,
                      List<String> fitsWith, String peak) {
        public Fit {
            fitsWith = fitsWith == null ? List.of() : List.copyOf(fitsWith);
        }

        public static Fit skipped(String note) {
            return new Fit(false, note, null, null, null, List.of(), null);
        }
    }
}
