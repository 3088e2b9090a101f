package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.env;
import static dev.aitk.launcher.hub.HubFixtures.fluxLike;
import static dev.aitk.launcher.hub.HubFixtures.prefetcher;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real client of record (huggingface_hub 1.33, offline) reads what the prefetcher wrote, and vice versa. */
class PythonInteropTest {
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";
    private static final String ADAPTER = "ostris/FLUX.1-schnell-training-adapter";
    private static final String PLAIN = "someone/plain-lora";

    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path home;
    FakeHub hub;

    @BeforeAll
    static void requirePython() throws IOException, InterruptedException {
        HuggingfaceHubReadsTheCaches.requireHuggingfaceHub();
    }

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        caches.watch(hub, home.resolve("hf/hub"));
        fluxLike(hub, FLUX, 400_000);
        hub.repo(ADAPTER).file("README.md", "adapter").file("pytorch_lora_weights.safetensors", FakeHub.Content.synthetic(250_000, 21));
        hub.repo(PLAIN).file("lora.safetensors", FakeHub.Content.synthetic(200_000, 22)).file("config/settings.json", "{\"rank\": 16}");
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    private PrefetchReport prefetchAll() {
        PrefetchReport report = prefetcher(hub, env(home)).prefetch(new PrefetchRequest(List.of(
                ModelReference.parse(FLUX, "main", "model.name_or_path"),
                ModelReference.parse(ADAPTER + "/pytorch_lora_weights.safetensors", "main", "model.assistant_lora_path"),
                ModelReference.parse(PLAIN, "main", "model.extras_name_or_path")), List.of(), GlobPatterns.all(), false), ProgressListener.NONE);
        assertThat(report.complete()).isTrue();
        return report;
    }

    @Test
    void huggingfaceHubOfflineLoadsEveryPrefetchedFileAndScanFindsNoProblems() throws Exception {
        assertHuggingfaceHubReads(prefetchAll());
    }

    @Test
    void theCacheLeftByADownloadThroughEvery2026FaultIsReadByHuggingfaceHubToo() throws Exception {
        String shard = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";
        hub.overBridge(true).compressUnlessIdentity(true)
                .inject(shard, FakeHub.FaultKind.TRUNCATE, 30_000, 1)
                .inject(shard, FakeHub.FaultKind.EXPIRED, 0, 1)
                .inject(shard, FakeHub.FaultKind.EXPIRED_400, 0, 1)
                .injectOnClosedRanges("transformer/diffusion_pytorch_model-00002-of-00002.safetensors", FakeHub.FaultKind.RANGE_IGNORED, 0, 1)
                .injectOnClosedRanges("text_encoder_2/model-00001-of-00002.safetensors", FakeHub.FaultKind.RANGE_SHIFTED, 0, 1);

        assertHuggingfaceHubReads(prefetchAll());
    }

    private void assertHuggingfaceHubReads(PrefetchReport report) throws Exception {
        Path expected = home.resolve("expected.json");
        var doc = Json.mapper().createObjectNode();
        for (PrefetchReport.RepoResult r : report.repos()) {
            var files = doc.putObject(r.repoId());
            for (PrefetchReport.FileResult f : r.files()) {
                files.put(f.path(), hub.repo(r.repoId()).get(f.path()).sha256);
            }
        }
        Files.writeString(expected, Json.write(doc));
        Path script = home.resolve("check.py");
        Files.writeString(script, """
                import hashlib, json, sys, warnings
                warnings.simplefilter("error")
                from huggingface_hub import hf_hub_download, snapshot_download, scan_cache_dir
                expected = json.load(open(sys.argv[1]))
                for repo, files in expected.items():
                    for path, sha in files.items():
                        p = hf_hub_download(repo, path, local_files_only=True)
                        assert hashlib.sha256(open(p, "rb").read()).hexdigest() == sha, (repo, path)
                    snap = snapshot_download(repo, allow_patterns=list(files), local_files_only=True)
                    print("snapshot", repo, snap)
                print("full", snapshot_download("%s", local_files_only=True))
                info = scan_cache_dir()
                assert not info.warnings, info.warnings
                assert not info.incomplete_files, info.incomplete_files
                print("repos", sorted(r.repo_id for r in info.repos))
                print("OK")
                """.formatted(PLAIN));
        String out = HuggingfaceHubReadsTheCaches.python(List.of(script.toString(), expected.toString()), Map.of("HF_HUB_OFFLINE", "1",
                "HF_HUB_CACHE", home.resolve("hf/hub").toString()));
        assertThat(out).as(out).contains("OK").contains("repos ['" + FLUX + "', '" + ADAPTER + "', '" + PLAIN + "']");
    }

    @Test
    void aCacheFilledByHuggingfaceHubIsRecognisedAndNothingIsFetchedAgain() throws Exception {
        Path script = home.resolve("fill.py");
        Files.writeString(script, """
                import sys
                from huggingface_hub import snapshot_download
                print(snapshot_download("%s", allow_patterns=["model_index.json", "transformer/*", "vae/*.safetensors", "vae/*.json"]))
                """.formatted(FLUX));
        String out = HuggingfaceHubReadsTheCaches.python(List.of(script.toString()), Map.of("HF_ENDPOINT", hub.endpoint(),
                "HF_HUB_CACHE", home.resolve("hf/hub").toString(), "HF_HUB_DISABLE_PROGRESS_BARS", "1"));
        assertThat(out).as(out).contains("snapshots");
        hub.resetCounters();

        PrefetchReport report = prefetcher(hub, env(home)).prefetch(new PrefetchRequest(List.of(ModelReference.parse(FLUX, "main", "cli")),
                List.of("transformer", "vae"), GlobPatterns.all(), false), ProgressListener.NONE);

        assertThat(report.repos().get(0).files()).allMatch(f -> f.status() == PrefetchReport.Status.CACHED);
        assertThat(hub.totalBytesSent()).isZero();
        JsonNode tree = Json.mapper().readTree(home.resolve("hf/hub/models--black-forest-labs--FLUX.1-dev/trees/"
                + hub.repo(FLUX).commit() + ".json").toFile());
        assertThat(tree.path("files").size()).isEqualTo(hub.repo(FLUX).files.size());
    }
}
