package dev.aitk.launcher.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeDigestTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "mapped={0}")
    @ValueSource(booleans = {true, false})
    void rangesHashedInOrderGiveTheWholeFilesDigestAcrossWindowEdges(boolean mapped) throws Exception {
        byte[] content = new byte[1_000_003];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("blob.incomplete"), content);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(content);

        MessageDigest actual = MessageDigest.getInstance("SHA-256");
        // Chunk edges that fall inside, on and beside the 100 kB windows, as a blob's chunks do.
        long[] edges = {0, 1, 99_999, 100_000, 100_001, 450_000, 1_000_003};
        RangeDigest reader = new RangeDigest(100_000, mapped);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i + 1 < edges.length; i++) {
                reader.update(actual, channel, edges[i], edges[i + 1]);
            }
        }
        assertThat(HexFormat.of().formatHex(actual.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        // Every mapping is released at once, not at a later garbage collection: Linux lists the process's live
        // mappings (this test's machines), and Windows refuses to rename a file while one is held.
        Path maps = Path.of("/proc/self/maps");
        if (Files.isReadable(maps)) {
            assertThat(Files.readString(maps)).doesNotContain(file.toString());
        }
        Files.move(file, dir.resolve("blob"), StandardCopyOption.ATOMIC_MOVE);
    }

    @ParameterizedTest(name = "mapped={0}")
    @ValueSource(booleans = {true, false})
    void aFileShorterThanTheRangeIsAnErrorNotAShortDigest(boolean mapped) throws IOException {
        Path file = Files.write(dir.resolve("short.incomplete"), new byte[1000]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThatThrownBy(() -> new RangeDigest(100_000, mapped).update(MessageDigest.getInstance("SHA-256"), channel, 0, 2000))
                    .isInstanceOf(IOException.class).hasMessageContaining("shorter than its journal says");
        }
    }
}
