package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.images.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** launch --deep validates as validate --deep does: every image decoded, not only its header and end. */
class LaunchDeepValidationTest {
    @TempDir
    Path home;

    @Test
    void deepFindsPixelDataThatDoesNotDecode() throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        for (String name : new String[] {"a", "b"}) {
            Files.write(data.resolve(name + ".png"), TestImages.png(512, 512, false));
            Files.writeString(data.resolve(name + ".txt"), "a photo");
        }
        byte[] png = TestImages.png(512, 512, false);
        int idat = indexOf(png, "IDAT".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = idat + 16; i < idat + 48; i++) {
            png[i] ^= 0x5A;
        }
        Files.write(data.resolve("b.png"), png);
        String[] args = {"launch", "--gpu-memory", "24GB", "--gpus", "1", "--dataset", "data", "--dry-run"};

        CliRun.Result plain = CliRun.in(home).run(args);
        CliRun.Result deep = CliRun.in(home).run(append(args, "--deep"));

        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.out()).doesNotContain("b.png");
        assertThat(deep.exitCode()).as(deep.err()).isZero();
        assertThat(deep.out()).contains("cannot be read").contains("b.png");
    }

    private static String[] append(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
