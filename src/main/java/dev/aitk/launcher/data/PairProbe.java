package dev.aitk.launcher.data;

import dev.aitk.launcher.images.ImageHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The first phase of a migration: reads every paired file's header (no pixels) and keeps the pairs whose images
 * are readable and share one size; the others are left out with the reason.
 */
final class PairProbe {
    static final String PHASE = "reading headers";

    /** A pair that passed the checks, with its target's header and its mask's (whether the mask can be copied as is). */
    record Planned(Triple triple, ImageHeader target, Optional<ImageHeader> mask) {
    }

    private PairProbe() {
    }

    static List<Planned> probe(List<Triple> triples, List<LeftOut> leftOut, Workers workers, MigrationProgress progress) {
        AtomicLong done = new AtomicLong();
        long total = triples.size();
        List<Callable<Optional<Planned>>> tasks = new ArrayList<>();
        for (Triple t : triples) {
            tasks.add(() -> {
                Optional<Planned> p = probeOne(t, leftOut);
                progress.update(PHASE, done.incrementAndGet(), total);
                return p;
            });
        }
        List<Planned> planned = new ArrayList<>();
        for (Optional<Planned> p : workers.runAll(tasks)) {
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

    /** Role key to path of every file in the pair, as a left-out entry names them. */
    static Map<String, String> filesOf(Triple t) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(Role.TARGET.key(), t.target().toString());
        t.masked().ifPresent(p -> files.put(Role.MASKED.key(), p.toString()));
        t.mask().ifPresent(p -> files.put(Role.MASK.key(), p.toString()));
        t.caption().ifPresent(p -> files.put(Role.CAPTION.key(), p.toString()));
        return files;
    }
}
