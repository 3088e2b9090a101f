package dev.aitk.launcher.data;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a three-folder inpainting dataset (targets, masked images, masks, optional captions) into a folder layout
 * ai-toolkit reads, for one of the {@link Layout}s: check the folders ({@link SourceFolders}), pair the files by
 * base name ({@link Pairing}), read their headers ({@link PairProbe}), write the pairs ({@link PairWriter}) and
 * report. Sources are only ever read; every output file is written to a temp name and renamed into place; files an
 * earlier run wrote and that are still current are left alone.
 */
public final class DatasetMigrator {
    private final MigrationProgress progress;

    public DatasetMigrator(MigrationProgress progress) {
        this.progress = progress;
    }

    /**
     * Migrates what pairs up and reports the rest.
     *
     * @throws LauncherException USAGE when the output overlaps a source folder, INPUT_INVALID when a source folder
     *                           is missing, ENVIRONMENT when the output cannot be written
     */
    public MigrationReport migrate(MigrationRequest request) {
        SourceFolders.check(request);
        Pairing.Result pairing;
        try {
            pairing = Pairing.pair(request);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID,
                    "cannot list the source folders (" + e.getMessage() + "); check that they are readable", e);
        }
        List<LeftOut> leftOut = Collections.synchronizedList(new ArrayList<>(pairing.leftOut()));
        DatasetBlock block = blockFor(request);
        try (Workers workers = new Workers(request.workers())) {
            List<PairProbe.Planned> planned = PairProbe.probe(pairing.matched(), leftOut, workers, progress);
            if (request.strict() && !leftOut.isEmpty()) {
                return report(MigrationReport.Status.STRICT_LEFT_OUT, request, pairing, planned.size(), 0, new PairWriter.Tally(),
                        leftOut, List.of(), 0, block);
            }
            if (planned.isEmpty()) {
                return report(MigrationReport.Status.NOTHING_TO_MIGRATE, request, pairing, 0, 0, new PairWriter.Tally(), leftOut,
                        List.of(), 0, block);
            }
            int staleTemps = OutputFolder.prepare(request);
            PairWriter.Tally tally = new PairWriter(request, leftOut).writeAll(planned, workers, progress);
            List<String> foreign = OutputFolder.foreignFiles(request, planned);
            int migrated = planned.size() - tally.failedPairs.get();
            return report(MigrationReport.Status.MIGRATED, request, pairing, planned.size(), migrated, tally, leftOut,
                    foreign, staleTemps, block);
        }
    }

    /**
     * migrate-data: checks that {@code config} (when given) can take the dataset before anything is migrated, then
     * migrates, then writes the dataset entry {@code datasetIndex} into the config when something was written.
     */
    public MigrationOutcome migrate(MigrationRequest request, Path config, int datasetIndex) {
        if (config != null) {
            ConfigUpdater.check(config, datasetIndex);
        }
        MigrationReport report = migrate(request);
        // The first migrated masked image is the preview samples' input where the config still has a placeholder.
        Path sampleControl = request.layout() == Layout.KONTEXT
                ? DatasetFiles.trainingImages(request.partnerDir()).stream().findFirst().orElse(null) : null;
        ConfigUpdater.Result updated = config != null && report.status() == MigrationReport.Status.MIGRATED && !request.dryRun()
                ? ConfigUpdater.update(config, report.datasetBlock(), datasetIndex, sampleControl) : null;
        return new MigrationOutcome(report, updated);
    }

    /** The block to paste for this request, without migrating anything. */
    public static DatasetBlock blockFor(MigrationRequest request) {
        return new DatasetBlock(request.imagesDir().toString(), request.layout().datasetKey(),
                request.partnerDir().toString(), request.captionExt(), request.defaultCaption().orElse(null),
                request.trigger().orElse(null));
    }

    private static MigrationReport report(MigrationReport.Status status, MigrationRequest request, Pairing.Result pairing,
                                          int found, int migrated, PairWriter.Tally tally, List<LeftOut> leftOut,
                                          List<String> foreign, int staleTemps, DatasetBlock block) {
        List<LeftOut> sorted = new ArrayList<>(leftOut);
        sorted.sort(Comparator.comparing(LeftOut::name).thenComparing(l -> l.reason().name()));
        List<String> warnings = new ArrayList<>();
        if (tally.linkFallbacks.get() > 0) {
            warnings.add(tally.linkFallbacks.get() + " files were copied instead of hard-linked: the output is on another file"
                    + " system than the sources (or it does not support hard links)");
        }
        if (tally.triggerCaptions.get() > 0) {
            warnings.add(tally.triggerCaptions.get() + " captions contain [trigger] but no --trigger was given: ai-toolkit replaces"
                    + " it with the process's trigger_word, or with nothing when none is set");
        }
        if (request.trigger().isEmpty() && request.defaultCaption().map(c -> c.contains(PairWriter.TRIGGER)).orElse(false)) {
            warnings.add("--default-caption contains [trigger] but no --trigger was given: set trigger_word in the config");
        }
        if (!tally.captionsMissing.isEmpty()) {
            warnings.add(tally.captionsMissing.size() + " targets have no caption file and no --default-caption was given:"
                    + " ai-toolkit trains them with an empty caption");
        }
        if (!pairing.ignoredFiles().isEmpty()) {
            warnings.add(pairing.ignoredFiles().size() + " files in the source folders are neither images (jpg, jpeg, png, webp)"
                    + " nor captions (." + request.captionExt() + ") and were ignored");
        }
        if (!foreign.isEmpty()) {
            warnings.add(foreign.size() + " files in the output were not written by this migration (left in place;"
                    + " ai-toolkit would train on them): remove them or use a fresh --output");
        }
        List<String> missing = new ArrayList<>(tally.captionsMissing);
        missing.sort(null);
        return new MigrationReport(status, request.layout().cliName(), request.transfer().name().toLowerCase(java.util.Locale.ROOT),
                request.output().toString(), request.dryRun(), found, migrated, tally.written.get(), tally.unchanged.get(),
                tally.linkFallbacks.get(), tally.captionFiles.get(), tally.captionsDefault.get(), missing, sorted,
                pairing.ignoredFiles(), foreign, staleTemps, warnings, block);
    }
}
