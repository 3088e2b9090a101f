package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.env;
import static dev.aitk.launcher.hub.HubFixtures.prefetcher;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache check the hub tests run after each class finds each way a cache can be wrong for huggingface_hub. */
class HuggingfaceHubReadsTheCachesTest {
    private static final String REPO = "org/tiny";
    private static final String WEIGHTS = "weights.safetensors";

    @TempDir
    Path home;

    @Test
    void aGoodCacheReadsCleanAndEveryBreakageIsFound() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            FakeHub.Repo repo = hub.repo(REPO).file("config.json", "{\"rank\": 4}").file(WEIGHTS, FakeHub.Content.synthetic(300_000, 41));
            assertThat(prefetcher(hub, env(home)).prefetch(PrefetchRequest.of(List.of(ModelReference.parse(REPO, "main", "cli"))),
                    ProgressListener.NONE).complete()).isTrue();
            Path cache = home.resolve("hf/hub");
            String folder = HubCache.folderName(REPO);
            String weightsBlob = "blobs/" + repo.get(WEIGHTS).etag();
            HuggingfaceHubReadsTheCaches check = new HuggingfaceHubReadsTheCaches();

            check.keepCopy(hub, cache, "good");
            Path flipped = check.keepCopy(hub, cache, "flipped").resolve(folder).resolve(weightsBlob);
            try (RandomAccessFile f = new RandomAccessFile(flipped.toFile(), "rw")) {
                f.seek(1000);
                int b = f.read();
                f.seek(1000);
                f.write(b ^ 0x5A);
            }
            Path strayRef = check.keepCopy(hub, cache, "stray-ref").resolve(folder).resolve("refs/v2");
            Files.writeString(strayRef, "0".repeat(40));
            Path noSnapshots = check.keepCopy(hub, cache, "no-snapshots").resolve(folder).resolve("snapshots");
            HuggingfaceHubReadsTheCaches.deleteTree(noSnapshots);
            // A half-done download: the blob is a partial and no snapshot entry names it (as the launcher leaves it).
            Path halfDone = check.keepCopy(hub, cache, "half-done").resolve(folder);
            Files.move(halfDone.resolve(weightsBlob), halfDone.resolve(weightsBlob + ".4242-host.aitk.incomplete"));
            Files.delete(halfDone.resolve("snapshots").resolve(repo.commit()).resolve(WEIGHTS));
            // The same partial, but a snapshot entry points at it: a half file under its final name.
            Path exposed = check.keepCopy(hub, cache, "exposed").resolve(folder);
            Path partial = exposed.resolve(weightsBlob + ".4242-host.aitk.incomplete");
            Files.move(exposed.resolve(weightsBlob), partial);
            try (RandomAccessFile f = new RandomAccessFile(partial.toFile(), "rw")) {
                f.setLength(100_000);
            }
            Path link = exposed.resolve("snapshots").resolve(repo.commit()).resolve(WEIGHTS);
            Files.delete(link);
            Files.createSymbolicLink(link, link.getParent().relativize(partial));

            String out = check.readKept();

            assertThat(out).as(out).contains("checked good: 1 repo(s), 2 file(s) read offline, 0 partial download(s) unreachable, 0 problem(s)")
                    .contains("PROBLEM flipped: " + REPO + "@" + repo.commit() + ": " + WEIGHTS + " holds (300000, '")
                    .contains("PROBLEM stray-ref: scan_cache_dir: Reference(s) refer to missing commit hashes")
                    .contains("PROBLEM no-snapshots: scan_cache_dir: Snapshots dir doesn't exist")
                    .contains("checked half-done: 1 repo(s), 1 file(s) read offline, 1 partial download(s) unreachable, 0 problem(s)")
                    .contains("PROBLEM exposed: " + REPO + "@main: " + WEIGHTS + " is reachable while its download is partial")
                    .contains("PROBLEM exposed: " + REPO + "@" + repo.commit() + ": " + WEIGHTS + " holds (100000, '")
                    .contains("\nexit 1");
        }
    }
}
