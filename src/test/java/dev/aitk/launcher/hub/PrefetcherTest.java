package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.env;
import static dev.aitk.launcher.hub.HubFixtures.fluxLike;
import static dev.aitk.launcher.hub.HubFixtures.prefetcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PrefetcherTest {
    private static final long SHARD = 700_000;
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";

    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path home;
    FakeHub hub;
    FakeHub.Repo repo;
    final NoticeRecorder recorder = new NoticeRecorder();
    final List<Notice> notices = recorder.notices;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        repo = fluxLike(hub, FLUX, SHARD);
        caches.watch(hub, home.resolve("hf/hub"));
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    private Path cacheRoot() {
        return home.resolve("hf").resolve("hub");
    }

    private Path repoDir() {
        return cacheRoot().resolve("models--black-forest-labs--FLUX.1-dev");
    }

    private PrefetchReport fetch(Environment env, PrefetchRequest request) {
        return prefetcher(hub, env).prefetch(request, recorder);
    }

    private PrefetchReport fetchFlux() {
        return fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "model.name_or_path"))));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertSnapshotHolds(String path) throws IOException {
        Path p = repoDir().resolve("snapshots").resolve(repo.commit()).resolve(path);
        FakeHub.FakeFile f = repo.get(path);
        assertThat(Files.size(p)).as(path).isEqualTo(f.size());
        assertThat(sha256(p)).as(path).isEqualTo(f.sha256);
    }

    @Test
    void fetchesOnlyTheComponentsModelIndexNamesIntoTheHuggingFaceLayout() throws IOException {
        PrefetchReport report = fetchFlux();

        assertThat(report.complete()).isTrue();
        List<String> fetched = report.repos().get(0).files().stream().map(PrefetchReport.FileResult::path).toList();
        assertThat(fetched).contains("model_index.json", "transformer/diffusion_pytorch_model-00001-of-00002.safetensors",
                "text_encoder_2/model-00002-of-00002.safetensors", "tokenizer_2/spiece.model", "scheduler/scheduler_config.json");
        assertThat(fetched).doesNotContain("flux1-dev.safetensors", "ae.safetensors", "README.md", "vae/diffusion_pytorch_model.bin");
        assertThat(hub.bytesSent("flux1-dev.safetensors")).isZero();
        assertThat(hub.bytesSent("vae/diffusion_pytorch_model.bin")).isZero();
        for (String path : fetched) {
            assertSnapshotHolds(path);
        }
        // refs/main holds the commit with no newline; snapshot entries are relative symlinks to blobs named by etag.
        assertThat(Files.readString(repoDir().resolve("refs/main"))).isEqualTo(repo.commit());
        Path shard = repoDir().resolve("snapshots").resolve(repo.commit()).resolve("transformer/diffusion_pytorch_model-00001-of-00002.safetensors");
        assertThat(Files.isSymbolicLink(shard)).isTrue();
        assertThat(Files.readSymbolicLink(shard).toString().replace('\\', '/'))
                .isEqualTo("../../../blobs/" + repo.get("transformer/diffusion_pytorch_model-00001-of-00002.safetensors").sha256);
        Path config = repoDir().resolve("snapshots").resolve(repo.commit()).resolve("transformer/config.json");
        assertThat(Files.readSymbolicLink(config).toString().replace('\\', '/')).isEqualTo("../../../blobs/" + repo.get("transformer/config.json").gitOid);
        assertThat(Files.readString(repoDir().resolve("trees").resolve(repo.commit() + ".json"))).contains("\"format_version\" : 1", "flux1-dev.safetensors");
        assertThat(repoDir().resolve(".no_exist").resolve(repo.commit()).resolve("transformer/diffusion_pytorch_model.safetensors")).exists();
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("incomplete") || n.contains("chunks"));
        }
        assertThat(report.repos().get(0).files()).filteredOn(f -> f.sizeBytes() > 2 * 64 * 1024)
                .allMatch(f -> "parallel ranges".equals(f.method()));
    }

    @Test
    void neverSendsTheTokenToTheBlobHostAndASecondRunDownloadsNothing() {
        repo.gated("hf_secret_token");
        Environment env = env(home, "HF_TOKEN", "hf_secret_token");
        PrefetchRequest request = PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "model.name_or_path")));
        fetch(env, request);

        assertThat(hub.requests()).filteredOn(r -> r.host().equals("localhost")).isNotEmpty().noneMatch(FakeHub.Request::authorized);
        assertThat(hub.requests()).filteredOn(r -> r.path().contains("/resolve/")).allMatch(FakeHub.Request::authorized);

        hub.resetCounters();
        PrefetchReport again = fetch(env, request);
        assertThat(hub.totalBytesSent()).isZero();
        assertThat(again.downloadedBytes()).isZero();
        assertThat(again.repos().get(0).files()).allMatch(f -> f.status() == PrefetchReport.Status.CACHED);
    }

    @Test
    void aFileAnotherLauncherCompletesAfterThePlanIsReportedCachedNotLeftOut() throws IOException {
        PrefetchRequest request = PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "model.name_or_path")));
        // The plan is printed after the cache check and before the transfers are built: another launcher that
        // finishes everything in that window (as seen under load with two launchers) is what this pins.
        ProgressListener racing = new ProgressListener() {
            @Override
            public void planned(PrefetchPlan plan) {
                assertThat(plan.toDownloadBytes()).isPositive();
                assertThat(prefetcher(hub, env(home)).prefetch(request, ProgressListener.NONE).complete()).isTrue();
            }
        };

        PrefetchReport report = prefetcher(hub, env(home)).prefetch(request, racing);

        assertThat(report.complete()).isTrue();
        assertThat(report.repos().get(0).files()).isNotEmpty().doesNotContainNull()
                .allMatch(f -> f.status() == PrefetchReport.Status.CACHED);
        assertThat(report.downloadedBytes()).isZero();
        for (PrefetchReport.FileResult f : report.repos().get(0).files()) {
            assertSnapshotHolds(f.path());
        }
    }

    @Test
    void recoversFromResetsTruncationWrongBytesServerErrorsAndRateLimits() throws IOException {
        String shard = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";
        String te = "text_encoder_2/model-00001-of-00002.safetensors";
        hub.inject(shard, FakeHub.FaultKind.RESET, 10_000, 1)
                .inject(shard, FakeHub.FaultKind.STATUS_500, 0, 2)
                .inject(te, FakeHub.FaultKind.TRUNCATE, 5_000, 1)
                .inject(te, FakeHub.FaultKind.STATUS_429, 1, 1)
                .inject("vae/diffusion_pytorch_model.safetensors", FakeHub.FaultKind.WRONG_BYTES, 1000, 1)
                .inject("api", FakeHub.FaultKind.STATUS_500, 0, 2);

        PrefetchReport report = fetchFlux();

        assertThat(report.complete()).isTrue();
        for (String p : List.of(shard, te, "vae/diffusion_pytorch_model.safetensors")) {
            assertSnapshotHolds(p);
        }
        assertThat(notices).extracting(Notice::kind).contains(Notice.Kind.RETRY, Notice.Kind.RATE_LIMITED, Notice.Kind.CHECKSUM_MISMATCH);
        // A reset costs at most the chunk that was in flight, not the file.
        assertThat(hub.bytesSent(shard)).isLessThan(repo.get(shard).size() + 64 * 1024 + 10_000);
    }

    @Test
    void aStalledBodyIsReportedAsAStallAndRetried() throws IOException {
        String shard = "transformer/diffusion_pytorch_model-00002-of-00002.safetensors";
        hub.inject(shard, FakeHub.FaultKind.STALL, 3_000, 1);

        PrefetchReport report = fetchFlux();

        assertThat(report.complete()).isTrue();
        assertSnapshotHolds(shard);
        assertThat(notices).filteredOn(n -> n.kind() == Notice.Kind.STALL).singleElement()
                .satisfies(n -> assertThat(n.message()).contains("stall", "no bytes for 1 s", shard, "chunk", "retrying"));
    }

    @Test
    void aServerThatIgnoresRangesGetsTheReportedSingleStreamFallback() throws IOException {
        hub.ignoreRanges(true);

        PrefetchReport report = fetchFlux();

        String shard = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";
        assertSnapshotHolds(shard);
        PrefetchReport.FileResult r = report.repos().get(0).files().stream().filter(f -> f.path().equals(shard)).findFirst().orElseThrow();
        assertThat(r.method()).isEqualTo("single stream");
        assertThat(r.fallbackReason()).contains("ignored Range");
        assertThat(notices).anyMatch(n -> n.kind() == Notice.Kind.FALLBACK && n.path().equals(shard));
    }

    @Test
    void aChunkThatKeepsFailingFallsBackToOneStreamThatResumes() throws IOException {
        String shard = "text_encoder_2/model-00001-of-00002.safetensors";
        hub.injectOnClosedRanges(shard, FakeHub.FaultKind.RESET, 0, Integer.MAX_VALUE);

        PrefetchReport report = fetchFlux();

        assertSnapshotHolds(shard);
        assertThat(report.repos().get(0).files()).filteredOn(f -> f.path().equals(shard))
                .singleElement().satisfies(f -> assertThat(f.fallbackReason()).contains("failed 4 times"));
    }

    @Test
    void gatedRepoWithoutTokenOrWithoutAccessSaysWhichPageToVisit() {
        repo.gated("hf_good");
        PrefetchRequest request = PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "model.name_or_path")));

        assertThatThrownBy(() -> fetch(env(home), request)).isInstanceOf(LauncherException.class)
                .hasMessageContaining("is gated and needs a Hugging Face token")
                .hasMessageContaining(hub.endpoint() + "/" + FLUX)
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED));
        assertThatThrownBy(() -> fetch(env(home, "HF_TOKEN", "hf_wrong_token"), request))
                .hasMessageContaining("has not been granted access: accept the license at " + hub.endpoint() + "/" + FLUX)
                .hasMessageNotContaining("hf_wrong_token");
        assertThat(hub.bytesSent("transformer/diffusion_pytorch_model-00001-of-00002.safetensors")).isZero();
    }

    @Test
    void missingRepoRevisionAndFileEachGetTheirOwnSentence() {
        assertThatThrownBy(() -> fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse("nobody/nothing", "main", "model.name_or_path")))))
                .hasMessageContaining("repository nobody/nothing was not found");
        assertThatThrownBy(() -> fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "v9", "--revision")))))
                .hasMessageContaining("revision 'v9' of " + FLUX + " was not found");
        assertThatThrownBy(() -> fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse(FLUX + "/lora.safetensors", "main", "model.assistant_lora_path")))))
                .hasMessageContaining("file 'lora.safetensors' is not in " + FLUX)
                .hasMessageContaining("model.assistant_lora_path");
    }

    @Test
    void aListingEntryThatWouldEscapeTheCacheIsRefused() {
        hub.repo("evil/repo").file("../../outside.txt", "pwned").file("ok.txt", "fine");

        assertThatThrownBy(() -> fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse("evil/repo", "main", "cli")))))
                .hasMessageContaining("would escape the cache; refused");
        assertThat(home.resolve("outside.txt")).doesNotExist();
        assertThat(home.resolve("hf/outside.txt")).doesNotExist();
    }

    @Test
    void offlineCheckListsWhatIsMissingWithoutTheNetwork() throws IOException {
        PrefetchRequest request = PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "model.name_or_path")));
        PrefetchReport before = fetch(env(home, "HF_HUB_OFFLINE", "1"), request);
        assertThat(before.complete()).isFalse();
        assertThat(before.missingDescriptions()).singleElement().asString().contains("revision 'main' is not in the cache");

        fetchFlux();
        String shard = "transformer/diffusion_pytorch_model-00002-of-00002.safetensors";
        Files.delete(repoDir().resolve("snapshots").resolve(repo.commit()).resolve(shard));
        hub.resetCounters();
        PrefetchReport after = fetch(env(home), new PrefetchRequest(request.references(), List.of(), GlobPatterns.all(), true));

        assertThat(hub.requests()).isEmpty();
        assertThat(after.complete()).isFalse();
        assertThat(after.missingDescriptions()).containsExactly(FLUX + "/" + shard);
    }

    @Test
    void componentsAndPatternsNarrowTheDownload() {
        PrefetchRequest request = new PrefetchRequest(List.of(ModelReference.parse(FLUX, "main", "cli")),
                List.of("vae", "scheduler"), new GlobPatterns(List.of(), List.of("*.json")), false);

        PrefetchReport report = fetch(env(home), request);

        assertThat(report.repos().get(0).files()).extracting(PrefetchReport.FileResult::path)
                .containsExactlyInAnyOrder("vae/diffusion_pytorch_model.safetensors");
        assertThatThrownBy(() -> fetch(env(home), new PrefetchRequest(request.references(), List.of("unet"), GlobPatterns.all(), false)))
                .hasMessageContaining("--components unet not in " + FLUX);
    }

    @Test
    void withSymlinksDisabledTheSnapshotHoldsRealFiles() throws IOException {
        PrefetchReport report = fetch(env(home, "HF_HUB_DISABLE_SYMLINKS", "1"),
                PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "cli"))));

        assertThat(report.complete()).isTrue();
        Path shard = repoDir().resolve("snapshots").resolve(repo.commit()).resolve("vae/diffusion_pytorch_model.safetensors");
        assertThat(Files.isSymbolicLink(shard)).isFalse();
        assertSnapshotHolds("vae/diffusion_pytorch_model.safetensors");
    }

    @Test
    void twoPrefetchesAtOnceEndWithOneCorrectCopy() throws Exception {
        hub.capBandwidth(4_000_000);
        PrefetchRequest request = PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "cli")));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> fetch(env(home), request));
            var b = pool.submit(() -> fetch(env(home), request));
            assertThat(a.get().complete()).isTrue();
            assertThat(b.get().complete()).isTrue();
        } finally {
            pool.shutdownNow();
        }
        String shard = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";
        assertSnapshotHolds(shard);
        assertThat(hub.bytesSent(shard)).isEqualTo(repo.get(shard).size());
    }

    @Test
    void twoLaunchersWhoseLocksDoNothingNeverShareAPartialFileAndEndWithOneCorrectCopy() throws Exception {
        hub.capBandwidth(1_000_000);
        PrefetchRequest request = PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "cli")));
        Prefetcher a = prefetcher(hub, env(home)).withLocksThatDoNothing();
        Prefetcher b = prefetcher(hub, env(home)).withLocksThatDoNothing();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        int mostPartialsOfOneBlob = 0;
        try {
            var first = pool.submit(() -> a.prefetch(request, ProgressListener.NONE));
            var second = pool.submit(() -> b.prefetch(request, ProgressListener.NONE));
            Path blobs = repoDir().resolve("blobs");
            while (!first.isDone() || !second.isDone()) {
                if (Files.isDirectory(blobs)) {
                    try (Stream<Path> files = Files.list(blobs)) {
                        var perBlob = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".aitk.incomplete"))
                                .collect(java.util.stream.Collectors.groupingBy(n -> n.substring(0, n.indexOf('.')), java.util.stream.Collectors.counting()));
                        mostPartialsOfOneBlob = Math.max(mostPartialsOfOneBlob, perBlob.values().stream().mapToInt(Long::intValue).max().orElse(0));
                    }
                }
                Thread.sleep(2);
            }
            assertThat(first.get().complete()).isTrue();
            assertThat(second.get().complete()).isTrue();
        } finally {
            pool.shutdownNow();
        }
        // With nothing to keep them apart but their names, the two wrote the same blob into files of their own.
        assertThat(mostPartialsOfOneBlob).isEqualTo(2);
        for (String path : List.of("transformer/diffusion_pytorch_model-00001-of-00002.safetensors",
                "text_encoder_2/model-00001-of-00002.safetensors", "vae/diffusion_pytorch_model.safetensors")) {
            assertSnapshotHolds(path);
        }
        try (Stream<Path> left = Files.list(repoDir().resolve("blobs"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".incomplete") || n.endsWith(".chunks"));
        }
    }

    @Test
    void singleFileReferencesFetchJustThatFile() throws IOException {
        hub.repo("ostris/FLUX.1-schnell-training-adapter")
                .file("README.md", "adapter")
                .file("pytorch_lora_weights.safetensors", FakeHub.Content.synthetic(300_000, 11));

        PrefetchReport report = fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse(
                "ostris/FLUX.1-schnell-training-adapter/pytorch_lora_weights.safetensors", "main", "model.assistant_lora_path"))));

        assertThat(report.repos().get(0).files()).extracting(PrefetchReport.FileResult::path).containsExactly("pytorch_lora_weights.safetensors");
        assertThat(hub.bytesSent("README.md")).isZero();
        assertThat(Files.readString(cacheRoot().resolve("models--ostris--FLUX.1-schnell-training-adapter/refs/main"), StandardCharsets.US_ASCII)).hasSize(40);
    }

    @Test
    void anExpiredBlobLinkIsRefreshedFromTheHub() throws IOException {
        String shard = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";
        hub.inject(shard, FakeHub.FaultKind.EXPIRED, 0, 2);

        PrefetchReport report = fetchFlux();

        assertThat(report.complete()).isTrue();
        assertSnapshotHolds(shard);
        assertThat(hub.requests()).filteredOn(r -> r.method().equals("HEAD") && r.path().endsWith(shard)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(notices).anyMatch(n -> n.message().contains("download link expired"));
    }

    @Test
    void aDownloadLargerThanTheFreeDiskIsRefusedBeforeItStarts() {
        hub.repo("big/model").hugeFile("weights.safetensors", 1L << 50);

        assertThatThrownBy(() -> fetch(env(home), PrefetchRequest.of(List.of(ModelReference.parse("big/model", "main", "cli")))))
                .hasMessageContaining("not enough disk space for the download: 1024.0 TiB needed")
                .hasMessageContaining("HF_HOME or --cache-dir");
        assertThat(hub.totalBytesSent()).isZero();
    }

    @Test
    void aReaderWatchingTheCacheDuringTheDownloadNeverSeesAPartialFileUnderAFinalName() throws Exception {
        hub.capBandwidth(3_000_000);
        java.util.Map<String, FakeHub.FakeFile> byEtag = new java.util.HashMap<>();
        repo.files.values().forEach(f -> byEtag.put(f.etag(), f));
        var download = java.util.concurrent.CompletableFuture.supplyAsync(this::fetchFlux);
        int looks = 0;
        while (!download.isDone() || looks == 0) {
            Path blobs = repoDir().resolve("blobs");
            if (Files.isDirectory(blobs)) {
                try (Stream<Path> files = Files.list(blobs)) {
                    for (Path p : files.filter(p -> !p.getFileName().toString().contains(".")).toList()) {
                        FakeHub.FakeFile f = byEtag.get(p.getFileName().toString());
                        assertThat(Files.size(p)).as(f.path).isEqualTo(f.size());
                        if (f.lfs) {
                            assertThat(sha256(p)).as(f.path).isEqualTo(f.sha256);
                        }
                    }
                }
            }
            looks++;
            Thread.sleep(5);
        }
        assertThat(download.get().complete()).isTrue();
        assertThat(looks).isGreaterThan(1);
    }

    @Test
    void theAccessCheckRefusesAGatedModelWithoutDownloadingAnything() {
        repo.gated("hf_good");
        List<ModelReference> refs = List.of(ModelReference.parse(FLUX, "main", "model.name_or_path"));

        assertThatThrownBy(() -> prefetcher(hub, env(home)).checkAccess(refs)).hasMessageContaining("is gated and needs a Hugging Face token");
        prefetcher(hub, env(home, "HF_TOKEN", "hf_good")).checkAccess(refs);
        assertThat(hub.totalBytesSent()).isZero();
        assertThat(hub.requests()).noneMatch(r -> r.method().equals("GET") && r.path().contains("/resolve"));
    }
}
