package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.env;
import static dev.aitk.launcher.hub.HubFixtures.fluxLike;
import static dev.aitk.launcher.hub.HubFixtures.prefetcher;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads as the Hub serves them in 2026: signed CDN links that expire, redirects over a bridge host to a
 * second CDN host, mirrors, CDNs that compress, ignore Range once or answer other bytes than asked.
 */
class HubOf2026Test {
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";
    private static final String SHARD = "transformer/diffusion_pytorch_model-00001-of-00002.safetensors";

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
        repo = fluxLike(hub, FLUX, 700_000);
        caches.watch(hub, home.resolve("hf/hub"));
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    private PrefetchReport fetch(Environment env, Prefetcher prefetcher, String model) {
        return prefetcher.prefetch(PrefetchRequest.of(List.of(ModelReference.parse(model, "main", "cli"))), recorder);
    }

    private PrefetchReport fetchFlux(Environment env) {
        return fetch(env, prefetcher(hub, env), FLUX);
    }

    private void assertSnapshotHolds(FakeHub.Repo r, String cacheName, String path) throws IOException {
        Path p = home.resolve("hf/hub").resolve(cacheName).resolve("snapshots").resolve(r.commit()).resolve(path);
        assertThat(Files.size(p)).as(path).isEqualTo(r.get(path).size());
        assertThat(PrefetcherTest.sha256(p)).as(path).isEqualTo(r.get(path).sha256);
    }

    private void assertFluxHolds(String path) throws IOException {
        assertSnapshotHolds(repo, "models--black-forest-labs--FLUX.1-dev", path);
    }

    private PrefetchReport.FileResult result(PrefetchReport report, String path) {
        return report.repos().get(0).files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void anExpiredLinkIs403Or400FromTheCdnAndIsReResolvedAndResumedFromItsOffsetWithoutCountingAsAFailure() throws IOException {
        // The body breaks after 30000 bytes; the next three tries meet an expired link (403, 403, then 400).
        hub.inject(SHARD, FakeHub.FaultKind.TRUNCATE, 30_000, 1)
                .inject(SHARD, FakeHub.FaultKind.EXPIRED, 0, 2)
                .inject(SHARD, FakeHub.FaultKind.EXPIRED_400, 0, 1);

        PrefetchReport report = fetchFlux(env(home));

        assertThat(report.complete()).isTrue();
        assertFluxHolds(SHARD);
        // Never from zero: every byte of the shard crossed the wire once.
        assertThat(hub.bytesSent(SHARD)).isEqualTo(repo.get(SHARD).size());
        // Only the truncation is a failure; the three refusals each got a fresh link through /resolve/.
        assertThat(result(report, SHARD).retries()).isEqualTo(1);
        // Chunks refused at the same moment share one fresh link.
        assertThat(notices).filteredOn(n -> n.kind() == Notice.Kind.LINK_REFRESHED).isNotEmpty()
                .allSatisfy(n -> assertThat(n.message()).contains("expired", SHARD, "going on from byte"));
        assertThat(notices).filteredOn(n -> n.kind() == Notice.Kind.RETRY).noneMatch(n -> n.message().contains("expired"));
        assertThat(hub.requests()).filteredOn(r -> r.method().equals("HEAD") && r.path().endsWith(SHARD)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aLinkPastItsSignedTimeIsRenewedBeforeUseSoTheCdnNeverRefusesOne() throws IOException {
        hub.repo("org/one").file("weights.safetensors", FakeHub.Content.synthetic(2_400_000, 31));
        hub.linkLifetime(Duration.ofSeconds(3)).capBandwidth(100_000);
        // The launcher's clock runs 1.5 s ahead of the CDN's, so a busy machine's delay between the check and the
        // request's arrival cannot make a renewed-in-time link look late (the check itself is what is tested).
        Prefetcher ahead = prefetcher(hub, env(home)).withClock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMillis(1500)));

        PrefetchReport report = fetch(env(home), ahead, "org/one");

        assertThat(report.complete()).isTrue();
        assertSnapshotHolds(hub.repo("org/one"), "models--org--one", "weights.safetensors");
        assertThat(report.seconds()).as("the download outlived its first link").isGreaterThan(2.5);
        assertThat(notices).anyMatch(n -> n.kind() == Notice.Kind.LINK_REFRESHED && n.message().contains("signed time ran out"));
        assertThat(hub.expiredLinksRefused()).isZero();
        assertThat(hub.bytesSent("weights.safetensors")).isEqualTo(2_400_000);
    }

    @Test
    void redirectsOverABridgeToASecondCdnHostAreFollowedWithTheTokenDroppedOnEveryCrossHostHop() throws IOException {
        repo.gated("hf_secret_token");
        hub.overBridge(true);

        PrefetchReport report = fetchFlux(env(home, "HF_TOKEN", "hf_secret_token"));

        assertThat(report.complete()).isTrue();
        assertFluxHolds(SHARD);
        List<FakeHub.Request> requests = hub.requests();
        assertThat(requests).filteredOn(r -> r.path().startsWith("/bridge/")).isNotEmpty().noneMatch(FakeHub.Request::authorized);
        assertThat(requests).filteredOn(r -> r.port() == hub.secondCdnPort()).isNotEmpty()
                .allMatch(r -> r.path().startsWith("/cdn/")).noneMatch(FakeHub.Request::authorized);
        assertThat(requests).filteredOn(r -> r.path().contains("/resolve/")).allMatch(FakeHub.Request::authorized);
    }

    @Test
    void aMirrorSetWithHfEndpointKeepsTheTokenForTheBlobsItServesItself() throws IOException {
        repo.gated("hf_secret_token");
        hub.asMirror(true);
        Environment env = env(home, "HF_TOKEN", "hf_secret_token", "HF_ENDPOINT", hub.endpoint());

        PrefetchReport report = fetch(env, Prefetcher.forEnvironment(env, Optional.empty(), Optional.empty(), HubFixtures.fastTuning()), FLUX);

        assertThat(report.complete()).isTrue();
        assertFluxHolds(SHARD);
        assertThat(hub.requests()).filteredOn(r -> r.path().startsWith("/cdn/")).isNotEmpty().allMatch(FakeHub.Request::authorized);
    }

    @Test
    void aCdnThatCompressesUnlessToldIdentityIsToldIdentity() throws IOException {
        hub.compressUnlessIdentity(true);

        PrefetchReport report = fetchFlux(env(home));

        assertThat(report.complete()).isTrue();
        assertFluxHolds(SHARD);
        assertFluxHolds("vae/diffusion_pytorch_model.safetensors");
        assertThat(hub.requests()).filteredOn(r -> r.method().equals("GET")).allMatch(r -> "identity".equals(r.acceptEncoding()));
        assertThat(notices).noneMatch(n -> n.kind() == Notice.Kind.CHECKSUM_MISMATCH);
    }

    @Test
    void aRangeAnsweredOnceWith200IsNeverSplicedIn() throws IOException {
        hub.injectOnClosedRanges(SHARD, FakeHub.FaultKind.RANGE_IGNORED, 0, 1);

        PrefetchReport report = fetchFlux(env(home));

        assertThat(report.complete()).isTrue();
        assertFluxHolds(SHARD);
        assertThat(notices).noneMatch(n -> n.kind() == Notice.Kind.CHECKSUM_MISMATCH);
        assertThat(result(report, SHARD).fallbackReason()).contains("ignored Range");
        // What was in flight on the abandoned ranges is lost, not the file: at most one more copy of it.
        assertThat(hub.bytesSent(SHARD)).isLessThan(3 * repo.get(SHARD).size());
    }

    @Test
    void a206WhoseContentRangeIsNotTheRangeAskedIsNotWrittenAtThatOffset() throws IOException {
        hub.injectOnClosedRanges(SHARD, FakeHub.FaultKind.RANGE_SHIFTED, 0, 2);

        PrefetchReport report = fetchFlux(env(home));

        assertThat(report.complete()).isTrue();
        assertFluxHolds(SHARD);
        assertThat(notices).noneMatch(n -> n.kind() == Notice.Kind.CHECKSUM_MISMATCH);
        assertThat(notices).filteredOn(n -> n.kind() == Notice.Kind.RETRY && n.path().equals(SHARD)).hasSize(2)
                .allSatisfy(n -> assertThat(n.message()).contains("answered a range request with bytes from"));
    }
}
