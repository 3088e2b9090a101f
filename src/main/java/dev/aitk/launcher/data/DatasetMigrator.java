package dev.aitk.launcher.data;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.data.CopyOrLink.Outcome;
import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.images.ImageHeader;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a three-folder inpainting dataset (targets, masked images, masks, optional captions) into a folder layout
 * ai-toolkit reads, for one of the {@link Layout}s. Sources are only ever read; every output file is written to a
 * temp name and renamed into place; files an earlier run wrote and that are still current are left alone.
 */
public final class DatasetMigrator {
    private static final String PHASE_HEADERS = "reading headers";
    private static final String PHASE_WRITING = "writing";
    private static final String TRIGGER = "[trigger]";

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
        checkFolders(request);
        Pairing.Result pairing;
        try {
            pairing = Pairing.pair(request);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID,
                    "cannot list the source folders (" + e.getMessage() + "); check that they are readable", e);
        }
        List<LeftOut> leftOut = Collections.synchronizedList(new ArrayList<>(pairing.leftOut()));
        DatasetBlock block = blockFor(request);
        int workers = request.workers();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "migrate-data");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Planned> planned = probe(pairing.matched(), request, leftOut, pool);
            if (request.strict() && !leftOut.isEmpty()) {
                return report(MigrationReport.Status.STRICT_LEFT_OUT, request, pairing, planned.size(), 0, new Tally(),
                        leftOut, List.of(), 0, block);
            }
            if (planned.isEmpty()) {
                return report(MigrationReport.Status.NOTHING_TO_MIGRATE, request, pairing, 0, 0, new Tally(), leftOut,
                        List.of(), 0, block);
            }
            int staleTemps = prepareOutput(request);
            Tally tally = write(planned, request, leftOut, pool);
            List<String> foreign = foreignFiles(request, planned);
            int migrated = planned.size() - tally.failedPairs.get();
            return report(MigrationReport.Status.MIGRATED, request, pairing, planned.size(), migrated, tally, leftOut,
                    foreign, staleTemps, block);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The block to paste for this request, without migrating anything. */
    public static DatasetBlock blockFor(MigrationRequest request) {
        return new DatasetBlock(request.imagesDir().toString(), request.layout().datasetKey(),
                request.partnerDir().toString(), request.captionExt(), request.defaultCaption().orElse(null),
                request.trigger().orElse(null));
    }

    private static void checkFolders(MigrationRequest request) {
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

    private static Path real(Path p) {
        try {
            return Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** A pair that passed the checks, with the size its images share and whether its mask can be copied as is. */
    private record Planned(Triple triple, ImageHeader target, Optional<ImageHeader> mask) {
    }

    private List<Planned> probe(List<Triple> triples, MigrationRequest request, List<LeftOut> leftOut,
                                ExecutorService pool) {
        AtomicLong done = new AtomicLong();
        long total = triples.size();
        List<Callable<Optional<Planned>>> tasks = new ArrayList<>();
        for (Triple t : triples) {
            tasks.add(() -> {
                Optional<Planned> p = probeOne(t, leftOut);
                progress.update(PHASE_HEADERS, done.incrementAndGet(), total);
                return p;
            });
        }
        List<Planned> planned = new ArrayList<>();
        for (Optional<Planned> p : runAll(pool, tasks)) {
            p.ifPresent(planned::add);
        }
        return planned;
    }

    private static Optional<Planned> probeOne(Triple t, List<LeftOut> leftOut) {
        Map<String, String> files = filesOf(t);
        Map<String, ImageHeader> infos = new LinkedHashMap<>();
        Map<String, Path> images = new LinkedHashMap<>();
        images.put(Role.TARGET.key(), t.target());
        t.masked().ifPresent(p -> images.put(Role.MASKED.key(), p));
        t.mask().ifPresent(p -> images.put(Role.MASK.key(), p));
        for (Map.Entry<String, Path> e : images.entrySet()) {
            try {
                infos.put(e.getKey(), ImageFiles.probe(e.getValue()));
            } catch (IOException ex) {
                leftOut.add(new LeftOut(t.name(), LeftOut.Reason.UNREADABLE, files, Map.of(),
                        e.getValue() + " is not a readable image (" + ex.getMessage() + "); re-export it or remove it"));
                return Optional.empty();
            }
        }
        ImageHeader target = infos.get(Role.TARGET.key());
        boolean same = infos.values().stream().allMatch(target::sameSize);
        if (!same) {
            Map<String, String> sizes = new LinkedHashMap<>();
            infos.forEach((role, info) -> sizes.put(role, info.size()));
            leftOut.add(new LeftOut(t.name(), LeftOut.Reason.SIZE_MISMATCH, files, sizes,
                    "sizes differ (" + String.join(", ", sizes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())
                            + "); resize them to the target's size"));
            return Optional.empty();
        }
        return Optional.of(new Planned(t, target, Optional.ofNullable(infos.get(Role.MASK.key()))));
    }

    private static Map<String, String> filesOf(Triple t) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(Role.TARGET.key(), t.target().toString());
        t.masked().ifPresent(p -> files.put(Role.MASKED.key(), p.toString()));
        t.mask().ifPresent(p -> files.put(Role.MASK.key(), p.toString()));
        t.caption().ifPresent(p -> files.put(Role.CAPTION.key(), p.toString()));
        return files;
    }

    private static int prepareOutput(MigrationRequest request) {
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

    private static LauncherException cannotWrite(Path where, IOException e) {
        return new LauncherException(ExitCode.ENVIRONMENT, "cannot write " + where + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); check free space and permissions of --output", e);
    }

    /** Counts shared by the workers. */
    private static final class Tally {
        final AtomicInteger written = new AtomicInteger();
        final AtomicInteger unchanged = new AtomicInteger();
        final AtomicInteger linkFallbacks = new AtomicInteger();
        final AtomicInteger failedPairs = new AtomicInteger();
        final AtomicInteger captionFiles = new AtomicInteger();
        final AtomicInteger captionsDefault = new AtomicInteger();
        final AtomicInteger triggerCaptions = new AtomicInteger();
        final List<String> captionsMissing = Collections.synchronizedList(new ArrayList<>());

        void count(Outcome outcome) {
            switch (outcome) {
                case WRITTEN -> written.incrementAndGet();
                case UNCHANGED -> unchanged.incrementAndGet();
                case COPIED_INSTEAD_OF_LINK -> {
                    written.incrementAndGet();
                    linkFallbacks.incrementAndGet();
                }
            }
        }
    }

    private Tally write(List<Planned> planned, MigrationRequest request, List<LeftOut> leftOut, ExecutorService pool) {
        Tally tally = new Tally();
        // Decoding and PNG encoding hold whole images in memory: no more of them at once than there are cores.
        Semaphore conversions = new Semaphore(Math.max(1, Math.min(request.workers(),
                Runtime.getRuntime().availableProcessors())));
        AtomicLong done = new AtomicLong();
        long total = planned.size();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (Planned p : planned) {
            tasks.add(() -> {
                writePair(p, request, tally, leftOut, conversions);
                progress.update(PHASE_WRITING, done.incrementAndGet(), total);
                return null;
            });
        }
        runAll(pool, tasks);
        return tally;
    }

    /** The partner first, then the target and its caption: a target never lands in the output without its partner. */
    private static void writePair(Planned p, MigrationRequest request, Tally tally, List<LeftOut> leftOut,
                                  Semaphore conversions) throws IOException, InterruptedException {
        Triple t = p.triple();
        Path images = request.imagesDir();
        Path partners = request.partnerDir();
        TransferMode mode = request.transfer();
        // ai-toolkit looks partners up with lower-case extensions only, so every output name gets one.
        String targetName = t.name() + "." + DatasetFiles.extension(t.target().getFileName().toString());
        try {
            switch (request.layout()) {
                case KONTEXT -> {
                    Path masked = t.masked().orElseThrow();
                    Path dest = partners.resolve(t.name() + "." + DatasetFiles.extension(masked.getFileName().toString()));
                    tally.count(transfer(masked, dest, mode, request.dryRun()));
                }
                case MASK -> {
                    Path mask = t.mask().orElseThrow();
                    Path dest = partners.resolve(t.name() + ".png");
                    if (p.mask().orElseThrow().grayPng8()) {
                        tally.count(transfer(mask, dest, mode, request.dryRun()));
                    } else {
                        tally.count(convert(dest, List.of(mask), request.dryRun(), conversions,
                                () -> PartnerImages.grayMask(ImageFiles.readUpright(mask))));
                    }
                }
                case FLEX2 -> {
                    Path mask = t.mask().orElseThrow();
                    Path color = t.masked().orElse(t.target());
                    Path dest = partners.resolve(t.name() + ".png");
                    tally.count(convert(dest, List.of(color, mask), request.dryRun(), conversions,
                            () -> PartnerImages.inpaintImage(ImageFiles.readUpright(color), ImageFiles.readUpright(mask))));
                }
            }
        } catch (SourceUnreadable e) {
            tally.failedPairs.incrementAndGet();
            leftOut.add(new LeftOut(t.name(), LeftOut.Reason.UNREADABLE, filesOf(t), Map.of(),
                    "cannot decode " + e.getMessage() + "; re-export the file or remove it"));
            return;
        }
        tally.count(transfer(t.target(), images.resolve(targetName), mode, request.dryRun()));
        if (t.caption().isPresent()) {
            Path caption = t.caption().get();
            tally.captionFiles.incrementAndGet();
            tally.count(transfer(caption, images.resolve(t.name() + "." + request.captionExt()), mode, request.dryRun()));
            if (request.trigger().isEmpty() && containsTrigger(caption)) {
                tally.triggerCaptions.incrementAndGet();
            }
        } else if (request.defaultCaption().isPresent()) {
            tally.captionsDefault.incrementAndGet();
        } else {
            tally.captionsMissing.add(t.name());
        }
    }

    private static boolean containsTrigger(Path caption) {
        try {
            return new String(Files.readAllBytes(caption), StandardCharsets.UTF_8).contains(TRIGGER);
        } catch (IOException e) {
            return false;
        }
    }

    private static Outcome transfer(Path source, Path dest, TransferMode mode, boolean dryRun) throws IOException {
        if (dryRun) {
            return CopyOrLink.isUpToDate(source, dest, mode) ? Outcome.UNCHANGED : Outcome.WRITTEN;
        }
        try {
            return CopyOrLink.transfer(source, dest, mode);
        } catch (IOException e) {
            throw cannotWrite(dest, e);
        }
    }

    /** A source image that passed the header check but does not decode (truncated, corrupt body). */
    private static final class SourceUnreadable extends Exception {
        SourceUnreadable(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface Conversion {
        BufferedImage make() throws IOException;
    }

    private static Outcome convert(Path dest, List<Path> sources, boolean dryRun, Semaphore permits, Conversion conversion)
            throws SourceUnreadable, InterruptedException {
        long stamp;
        try {
            stamp = 0;
            for (Path s : sources) {
                stamp = Math.max(stamp, CopyOrLink.millis(s));
            }
            if (Files.isRegularFile(dest) && CopyOrLink.millis(dest) == stamp) {
                return Outcome.UNCHANGED;
            }
        } catch (IOException e) {
            throw new SourceUnreadable(sources + " (" + e.getMessage() + ")");
        }
        if (dryRun) {
            return Outcome.WRITTEN;
        }
        BufferedImage image;
        permits.acquire();
        try {
            try {
                image = conversion.make();
            } catch (IOException e) {
                throw new SourceUnreadable(String.join(" or ", sources.stream().map(Path::toString).toList())
                        + " (" + e.getMessage() + ")");
            }
            long newest = stamp;
            try {
                AtomicFiles.replace(dest, temp -> {
                    ImageFiles.writePng(image, temp);
                    CopyOrLink.stamp(temp, newest);
                });
            } catch (IOException e) {
                throw cannotWrite(dest, e);
            }
        } finally {
            permits.release();
        }
        return Outcome.WRITTEN;
    }

    private static List<String> foreignFiles(MigrationRequest request, List<Planned> planned) {
        Set<Path> expected = new HashSet<>();
        for (Planned p : planned) {
            Triple t = p.triple();
            expected.add(request.imagesDir().resolve(t.name() + "." + DatasetFiles.extension(t.target().getFileName().toString())));
            expected.add(request.imagesDir().resolve(t.name() + "." + request.captionExt()));
            String partnerExt = request.layout() == Layout.KONTEXT
                    ? DatasetFiles.extension(t.masked().orElseThrow().getFileName().toString()) : "png";
            expected.add(request.partnerDir().resolve(t.name() + "." + partnerExt));
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

    private static MigrationReport report(MigrationReport.Status status, MigrationRequest request, Pairing.Result pairing,
                                          int found, int migrated, Tally tally, List<LeftOut> leftOut,
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
        if (request.trigger().isEmpty() && request.defaultCaption().map(c -> c.contains(TRIGGER)).orElse(false)) {
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

    private static <T> List<T> runAll(ExecutorService pool, List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        List<T> results = new ArrayList<>(tasks.size());
        try {
            for (Future<T> f : futures) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new LauncherException(ExitCode.INTERRUPTED, "interrupted; finished files are in place, re-run to complete");
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof LauncherException le) {
                throw le;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof IOException io) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "cannot read or write a file (" + io.getMessage()
                        + "); check permissions of the source folders and of --output", io);
            }
            throw new IllegalStateException(cause);
        }
        return results;
    }
}
