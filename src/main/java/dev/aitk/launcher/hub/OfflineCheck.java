package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Answers "does the cache hold everything?" without the network, as HF_HUB_OFFLINE=1 will need it: the revision's
 * ref, the stored listing (trees/{commit}.json, else the snapshot folder itself) and every selected file present.
 */
final class OfflineCheck {
    private OfflineCheck() {
    }

    static PrefetchReport run(HubCache cache, PrefetchRequest request, ProgressListener listener, long startedNanos) {
        List<PrefetchReport.RepoResult> repos = new ArrayList<>();
        long total = 0;
        boolean complete = true;
        for (int i = 0; i < request.references().size(); i++) {
            ModelReference ref = request.references().get(i);
            List<String> components = i == 0 ? request.components() : List.of();
            Optional<String> commit = cache.commitFor(ref.repoId(), ref.revision());
            if (commit.isEmpty() || !Files.isDirectory(cache.snapshotDir(ref.repoId(), commit.get()))) {
                complete = false;
                repos.add(new PrefetchReport.RepoResult(ref.source(), ref.repoId(), ref.revision(), null, null, List.of(), null, List.of(),
                        "revision '" + ref.revision() + "' is not in the cache at " + cache.root()));
                continue;
            }
            String c = commit.get();
            Map<String, RemoteEntry> listing = cache.readTree(ref.repoId(), c).orElseGet(() -> snapshotListing(cache.snapshotDir(ref.repoId(), c)));
            Optional<JsonNode> index = Optional.empty();
            Path indexPath = cache.snapshotPath(ref.repoId(), c, FileSelection.MODEL_INDEX);
            if (ref.filePath().isEmpty() && request.patterns().include().isEmpty() && listing.containsKey(FileSelection.MODEL_INDEX)) {
                if (!Files.isRegularFile(indexPath)) {
                    complete = false;
                    repos.add(new PrefetchReport.RepoResult(ref.source(), ref.repoId(), ref.revision(), c, null, List.of(), null, List.of(),
                            "model_index.json is not in the cache"));
                    continue;
                }
                try {
                    index = Optional.of(Json.mapper().readTree(indexPath.toFile()));
                } catch (IOException e) {
                    index = Optional.empty();
                }
            }
            FileSelection.Selected selected = FileSelection.select(ref, listing, index, components, request.patterns());
            List<PrefetchReport.FileResult> files = new ArrayList<>();
            for (RemoteEntry e : selected.files()) {
                boolean cached = cache.isCached(ref.repoId(), c, e.path(), e.sizeBytes());
                complete &= cached;
                total += e.sizeBytes();
                files.add(new PrefetchReport.FileResult(e.path(), e.sizeBytes(),
                        cached ? PrefetchReport.Status.CACHED : PrefetchReport.Status.MISSING, null, null, 0));
            }
            repos.add(new PrefetchReport.RepoResult(ref.source(), ref.repoId(), ref.revision(), c,
                    cache.snapshotDir(ref.repoId(), c).toString(), selected.components(), selected.reason(), files, null));
        }
        PrefetchReport report = new PrefetchReport(cache.root().toString(), true, complete, repos, 0, total,
                PrefetchReport.Bytes.NONE, (System.nanoTime() - startedNanos) / 1e9, List.of());
        listener.planned(plan(report));
        return report;
    }

    static PrefetchPlan plan(PrefetchReport report) {
        List<PrefetchPlan.RepoPlan> plans = new ArrayList<>();
        for (PrefetchReport.RepoResult r : report.repos()) {
            plans.add(new PrefetchPlan.RepoPlan(r.source(), r.repoId(), r.revision(), r.commit(), r.components(), r.selection(),
                    r.files().stream().map(f -> new PrefetchPlan.PlannedFile(f.path(), f.sizeBytes(),
                            f.status() != PrefetchReport.Status.MISSING)).toList()));
        }
        return PrefetchPlan.of(plans, report.offlineCheck());
    }

    /** A cache filled by huggingface_hub without a stored listing: what the snapshot holds is all we know. */
    private static Map<String, RemoteEntry> snapshotListing(Path snapshot) {
        Map<String, RemoteEntry> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(snapshot)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String rel = snapshot.relativize(p).toString().replace('\\', '/');
                try {
                    out.put(rel, new RemoteEntry(rel, Files.size(p), "", null));
                } catch (IOException ignored) {
                    // A file that vanished while walking is simply not listed.
                }
            });
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
