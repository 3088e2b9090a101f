package dev.aitk.launcher.data;

import dev.aitk.launcher.data.CopyOrLink.Outcome;
import dev.aitk.launcher.util.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The second phase of a migration: writes each planned pair in the request's layout (copy, hard link, or a
 * converted PNG), the partner first, then the target and its caption, so a target never lands without its partner.
 */
final class PairWriter {
    static final String PHASE = "writing";
    static final String TRIGGER = "[trigger]";

    /** Counts shared by the workers. */
    static final class Tally {
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

    private final MigrationRequest request;
    private final List<LeftOut> leftOut;
    private final Tally tally = new Tally();
    // Decoding and PNG encoding hold whole images in memory: no more of them at once than there are cores.
    private final Semaphore conversions;

    PairWriter(MigrationRequest request, List<LeftOut> leftOut) {
        this.request = request;
        this.leftOut = leftOut;
        this.conversions = new Semaphore(Math.max(1, Math.min(request.workers(), Runtime.getRuntime().availableProcessors())));
    }

    Tally writeAll(List<PairProbe.Planned> planned, Workers workers, MigrationProgress progress) {
        AtomicLong done = new AtomicLong();
        long total = planned.size();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (PairProbe.Planned p : planned) {
            tasks.add(() -> {
                write(p);
                progress.update(PHASE, done.incrementAndGet(), total);
                return null;
            });
        }
        workers.runAll(tasks);
        return tally;
    }

    private void write(PairProbe.Planned p) throws IOException, InterruptedException {
        Triple t = p.triple();
        Path partner = request.partnerDir().resolve(OutputFolder.partnerName(t, request.layout()));
        try {
            switch (request.layout()) {
                case KONTEXT -> tally.count(transfer(t.masked().orElseThrow(), partner));
                case MASK -> {
                    Path mask = t.mask().orElseThrow();
                    if (p.mask().orElseThrow().grayPng8()) {
                        tally.count(transfer(mask, partner));
                    } else {
                        tally.count(convert(partner, List.of(mask), () -> PartnerImages.grayMask(ImageFiles.readUpright(mask))));
                    }
                }
                case FLEX2 -> {
                    Path mask = t.mask().orElseThrow();
                    Path color = t.masked().orElse(t.target());
                    tally.count(convert(partner, List.of(color, mask),
                            () -> PartnerImages.inpaintImage(ImageFiles.readUpright(color), ImageFiles.readUpright(mask))));
                }
            }
        } catch (SourceUnreadable e) {
            tally.failedPairs.incrementAndGet();
            leftOut.add(new LeftOut(t.name(), LeftOut.Reason.UNREADABLE, PairProbe.filesOf(t), Map.of(),
                    "cannot decode " + e.getMessage() + "; re-export the file or remove it"));
            return;
        }
        Path images = request.imagesDir();
        tally.count(transfer(t.target(), images.resolve(OutputFolder.targetName(t))));
        if (t.caption().isPresent()) {
            Path caption = t.caption().get();
            tally.captionFiles.incrementAndGet();
            tally.count(transfer(caption, images.resolve(t.name() + "." + request.captionExt())));
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

    private Outcome transfer(Path source, Path dest) throws IOException {
        if (request.dryRun()) {
            return CopyOrLink.isUpToDate(source, dest, request.transfer()) ? Outcome.UNCHANGED : Outcome.WRITTEN;
        }
        try {
            return CopyOrLink.transfer(source, dest, request.transfer());
        } catch (IOException e) {
            throw OutputFolder.cannotWrite(dest, e);
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

    /** Writes a converted PNG stamped with its sources' newest time, unless the one an earlier run wrote is current. */
    private Outcome convert(Path dest, List<Path> sources, Conversion conversion) throws SourceUnreadable, InterruptedException {
        long stamp = 0;
        try {
            for (Path s : sources) {
                stamp = Math.max(stamp, CopyOrLink.millis(s));
            }
            if (Files.isRegularFile(dest) && CopyOrLink.millis(dest) == stamp) {
                return Outcome.UNCHANGED;
            }
        } catch (IOException e) {
            throw new SourceUnreadable(sources + " (" + e.getMessage() + ")");
        }
        if (request.dryRun()) {
            return Outcome.WRITTEN;
        }
        conversions.acquire();
        try {
            BufferedImage image;
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
                throw OutputFolder.cannotWrite(dest, e);
            }
        } finally {
            conversions.release();
        }
        return Outcome.WRITTEN;
    }
}
