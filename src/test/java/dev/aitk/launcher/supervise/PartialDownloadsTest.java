package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only partial files this attempt writes are its downloads: not older ones, not an interrupted prefetch's. */
class PartialDownloadsTest {
    @TempDir
    Path cache;

    private Path partial(String repo, String name, int bytes, Instant modified) throws Exception {
        Path p = cache.resolve(repo).resolve("blobs").resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }

    @Test
    void countsThisAttemptsHuggingfaceHubPartialsAndNamesTheNewest() throws Exception {
        Instant start = Instant.now();
        partial("models--org--old", "aaaa.incomplete", 7_000, start.minusSeconds(3600));
        partial("models--org--prefetched", "bbbb.12-host.aitk.incomplete", 9_000, start.plusSeconds(1));
        PartialDownloads partials = new PartialDownloads(cache, start.toEpochMilli());
        assertThat(partials.look()).isEmpty();

        partial("models--black-forest-labs--FLUX.1-dev", "cccc.incomplete", 2_500_000, start.plusSeconds(2));
        partial("models--org--te", "dddd.incomplete", 1_000, start.plusSeconds(1));

        assertThat(partials.look()).hasValueSatisfying(s -> {
            assertThat(s.bytes()).isEqualTo(2_501_000);
            assertThat(s.newest()).isEqualTo("black-forest-labs/FLUX.1-dev (2.5 MB so far)");
        });
        assertThat(new PartialDownloads(null, start.toEpochMilli()).look()).isEmpty();
        assertThat(new PartialDownloads(cache.resolve("missing"), start.toEpochMilli()).look()).isEmpty();
    }
}
