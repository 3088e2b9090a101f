package dev.aitk.launcher.hub;

import static dev.aitk.launcher.hub.HubFixtures.env;
import static dev.aitk.launcher.hub.HubFixtures.fluxLike;
import static dev.aitk.launcher.hub.HubFixtures.prefetcher;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL a real launcher process mid-download, run again: it completes, re-fetching at most the chunks in flight. */
class KillResumeTest {
    private static final String FLUX = "black-forest-labs/FLUX.1-dev";
    private static final int CONNECTIONS = 4;
    private static final long CHUNK = 64 * 1024;

    @RegisterExtension
    static final HuggingfaceHubReadsTheCaches caches = new HuggingfaceHubReadsTheCaches();

    @TempDir
    Path home;

    @Test
    void killedMidDownloadResumesWithoutRefetchingCompletedChunksAndNeverExposesAPartialBlob() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            FakeHub.Repo repo = fluxLike(hub, FLUX, 3_000_000);
            hub.capBandwidth(1_000_000);
            caches.watch(hub, home.resolve("hf/hub"));
            Path blobs = home.resolve("hf/hub/models--black-forest-labs--FLUX.1-dev/blobs");

            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.aitk.launcher.cli.Main", "prefetch", FLUX,
                    "--endpoint", hub.endpoint(), "--connections", Integer.toString(CONNECTIONS), "--chunk-size", "64KiB")
                    .redirectErrorStream(true).redirectOutput(home.resolve("child.log").toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
            pb.environment().put("HF_HOME", home.resolve("hf").toString());
            Process child = pb.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (journalledChunks(blobs) < 12) {
                    assertThat(child.isAlive()).as("the child finished or died before it could be killed: "
                            + Files.readString(home.resolve("child.log"))).isTrue();
                    assertThat(System.nanoTime()).as("no progress within 60 s").isLessThan(deadline);
                    Thread.sleep(20);
                }
            } finally {
                child.destroyForcibly();
            }
            // The journals hold still only once the child is dead; a live one removes each journal as its file completes.
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the killed child did not exit").isTrue();

            assertNoFinalBlobIsWrong(repo, blobs);
            caches.keepCopy(hub, home.resolve("hf/hub"), "KillResumeTest: the cache a SIGKILLed prefetch left");
            Map<String, Long> firstRun = sentPerFile(hub, repo);
            Map<String, Long> journalled = journalledBytesPerEtag(blobs);
            assertThat(journalled).isNotEmpty();
            hub.resetCounters();
            hub.capBandwidth(0);

            PrefetchReport report = prefetcher(hub, env(home)).prefetch(
                    PrefetchRequest.of(List.of(ModelReference.parse(FLUX, "main", "cli"))), ProgressListener.NONE);

            assertThat(report.complete()).isTrue();
            assertNoFinalBlobIsWrong(repo, blobs);
            long wasted = 0;
            for (PrefetchReport.FileResult f : report.repos().get(0).files()) {
                FakeHub.FakeFile file = repo.get(f.path());
                long second = hub.bytesSent(f.path());
                assertThat(second).as("re-sent bytes of " + f.path()).isLessThanOrEqualTo(file.size() - journalled.getOrDefault(file.etag(), 0L));
                // Every file had to cross the wire once over both runs (the cache started empty); the rest was waste.
                wasted += firstRun.getOrDefault(f.path(), 0L) + second - file.size();
            }
            assertThat(wasted).as("bytes fetched twice").isLessThanOrEqualTo(CONNECTIONS * CHUNK);
            try (Stream<Path> left = Files.list(blobs)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".incomplete") || n.endsWith(".chunks"));
            }
        }
    }

    @Test
    void twoLauncherProcessesAtOnceShareTheWorkAndEndWithOneCorrectCopy() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            FakeHub.Repo repo = fluxLike(hub, FLUX, 1_500_000);
            hub.capBandwidth(2_000_000);
            caches.watch(hub, home.resolve("hf/hub"));
            Process a = child(hub, "a.log");
            Process b = child(hub, "b.log");
            assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(a.exitValue()).as(Files.readString(home.resolve("a.log"))).isZero();
            assertThat(b.exitValue()).as(Files.readString(home.resolve("b.log"))).isZero();

            Path blobs = home.resolve("hf/hub/models--black-forest-labs--FLUX.1-dev/blobs");
            assertNoFinalBlobIsWrong(repo, blobs);
            for (String path : List.of("transformer/diffusion_pytorch_model-00001-of-00002.safetensors",
                    "text_encoder_2/model-00001-of-00002.safetensors", "vae/diffusion_pytorch_model.safetensors")) {
                assertThat(hub.bytesSent(path)).as("bytes sent for " + path).isEqualTo(repo.get(path).size());
            }
        }
    }

    @Test
    void ctrlCSaysWhatIsKeptAndExits130AndTheNextRunCountsOnlyWhatItFetches() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            FakeHub.Repo repo = fluxLike(hub, FLUX, 3_000_000);
            hub.capBandwidth(1_000_000);
            caches.watch(hub, home.resolve("hf/hub"));
            Path blobs = home.resolve("hf/hub/models--black-forest-labs--FLUX.1-dev/blobs");
            Process first = child(hub, "first.log");
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (journalledChunks(blobs) < 12) {
                    assertThat(first.isAlive()).as(Files.readString(home.resolve("first.log"))).isTrue();
                    assertThat(System.nanoTime()).as("no progress within 60 s").isLessThan(deadline);
                    Thread.sleep(20);
                }
                // A JVM started with SIGINT ignored (a background job) passes that on and cannot be Ctrl+C'd;
                // SIGTERM takes the same path then.
                new ProcessBuilder("kill", "-s", sigintIgnored() ? "TERM" : "INT", Long.toString(first.pid())).inheritIO()
                        .start().waitFor(10, TimeUnit.SECONDS);
                assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the stopped child did not exit").isTrue();
            } finally {
                first.destroyForcibly();
            }
            caches.keepCopy(hub, home.resolve("hf/hub"), "KillResumeTest: the cache a prefetch stopped with Ctrl+C left");
            String said = Files.readString(home.resolve("first.log"));
            assertThat(first.exitValue()).as(said).isEqualTo(130);
            assertThat(said).contains("stopped: prefetch stopped (Ctrl+C) after fetching", "every completed chunk is kept in "
                    + home.resolve("hf/hub"), "run the same command again to resume");

            hub.capBandwidth(0);
            hub.resetCounters();
            Process second = child(hub, "second.log");
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(home.resolve("second.log"));
            assertThat(second.exitValue()).as(out).isZero();
            java.util.regex.Matcher plan = java.util.regex.Pattern.compile(
                    "already cached, (\\S+ \\S+) kept from an interrupted download \\(resumed, not fetched again\\), (\\S+ \\S+) to download")
                    .matcher(out);
            assertThat(plan.find()).as(out).isTrue();
            // Speed and size are over what crossed the network now, not over the files' sizes.
            assertThat(out).contains("Fetched " + plan.group(2) + " now in", "; " + plan.group(1) + " were kept from an interrupted download");
            assertThat(hub.totalBytesSent()).isLessThan(repo.files.values().stream().mapToLong(FakeHub.FakeFile::size).sum());
        }
    }

    /** Bit 2 of SigIgn in /proc/self/status is SIGINT. */
    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2L) != 0;
            }
        }
        return false;
    }

    private Process child(FakeHub hub, String log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.aitk.launcher.cli.Main", "prefetch", FLUX,
                "--endpoint", hub.endpoint(), "--connections", Integer.toString(CONNECTIONS), "--chunk-size", "64KiB")
                .redirectErrorStream(true).redirectOutput(home.resolve(log).toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.startsWith("HUGGING"));
        pb.environment().put("HF_HOME", home.resolve("hf").toString());
        return pb.start();
    }

    private static long journalledChunks(Path blobs) throws IOException {
        if (!Files.isDirectory(blobs)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> files = Files.list(blobs)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".chunks")).toList()) {
                try {
                    n += Files.readString(p, StandardCharsets.US_ASCII).lines().count() - 1;
                } catch (NoSuchFileException finished) {
                    // The live child completed that file between the listing and this read and removed its journal.
                }
            }
        }
        return n;
    }

    private static Map<String, Long> journalledBytesPerEtag(Path blobs) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> files = Files.list(blobs)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".aitk.chunks")).toList()) {
                // <etag>.<owner>.aitk.chunks: the etag (hex) ends at the first dot.
                String name = p.getFileName().toString();
                String etag = name.substring(0, name.indexOf('.'));
                List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
                out.put(etag, Math.max(0, lines.size() - 1) * CHUNK);
            }
        }
        return out;
    }

    private static Map<String, Long> sentPerFile(FakeHub hub, FakeHub.Repo repo) {
        Map<String, Long> out = new HashMap<>();
        repo.files.keySet().forEach(p -> out.put(p, hub.bytesSent(p)));
        return out;
    }

    /** Every file under a final blob name has exactly the bytes its name promises. */
    private static void assertNoFinalBlobIsWrong(FakeHub.Repo repo, Path blobs) throws IOException {
        Map<String, FakeHub.FakeFile> byEtag = new HashMap<>();
        repo.files.values().forEach(f -> byEtag.put(f.etag(), f));
        try (Stream<Path> files = Files.list(blobs)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.contains(".")) {
                    continue;
                }
                FakeHub.FakeFile f = byEtag.get(name);
                assertThat(f).as("unknown blob " + name).isNotNull();
                assertThat(Files.size(p)).as(f.path).isEqualTo(f.size());
                if (f.lfs) {
                    assertThat(PrefetcherTest.sha256(p)).as(f.path).isEqualTo(f.sha256);
                }
            }
        }
    }
}
