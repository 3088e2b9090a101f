package dev.aitk.launcher.data;

import dev.aitk.launcher.images.DatasetFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aitk.launcher.cli.CliRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebP sources (the JDK has no WebP reader; TwelveMonkeys' plugin reads them). TwelveMonkeys cannot write WebP, so
 * the inputs come from {@code cwebp} (Debian package {@code webp}, installed by .ci/run); skipped without it.
 */
class WebpInputTest {
    @TempDir
    Path tmp;

    @Test
    void webpMaskedImagesAndMasksPairWithPngTargets() throws Exception {
        assumeTrue(cwebpAvailable(), "cwebp (Debian package 'webp') is not installed; skipping the WebP input case");
        InpaintingDataset data = InpaintingDataset.in(tmp.resolve("src")).pair("a", "png", 40, 30).pair("b", "jpg", 30, 40);
        for (String name : data.names) {
            toWebp(data.masked.resolve(name + ".png"));
            toWebp(data.masks.resolve(name + ".png"));
        }
        Path out = tmp.resolve("out");

        CliRun.Result kontext = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--masks", data.masks.toString(), "--output", out.toString(), "--layout", "kontext");
        CliRun.Result flex2 = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--masks", data.masks.toString(), "--output", out.toString(), "--layout", "flex2");

        assertThat(kontext.exitCode()).as(kontext.err()).isZero();
        assertThat(flex2.exitCode()).as(flex2.err()).isZero();
        for (String name : data.names) {
            assertThat(Files.readAllBytes(out.resolve("control").resolve(name + ".webp")))
                    .isEqualTo(Files.readAllBytes(data.masked.resolve(name + ".webp")));
            BufferedImage inpaint = ImageIO.read(out.resolve("inpaint").resolve(name + ".png").toFile());
            BufferedImage mask = ImageIO.read(data.masks.resolve(name + ".webp").toFile());
            byte[] gray = ImageFiles.luminance(mask);
            for (int y = 0; y < inpaint.getHeight(); y++) {
                for (int x = 0; x < inpaint.getWidth(); x++) {
                    assertThat(inpaint.getRaster().getSample(x, y, 3)).isEqualTo(255 - (gray[y * inpaint.getWidth() + x] & 0xff));
                }
            }
            // Lossless WebP keeps the hole exactly: fully transparent inside, opaque outside the rim.
            assertThat(inpaint.getRaster().getSample(inpaint.getWidth() / 2, inpaint.getHeight() / 2, 3)).isZero();
            assertThat(inpaint.getRaster().getSample(0, 0, 3)).isEqualTo(255);
        }
    }

    private static void toWebp(Path png) throws Exception {
        Path webp = png.resolveSibling(DatasetFiles.baseName(png.getFileName().toString()) + ".webp");
        Process p = new ProcessBuilder("cwebp", "-quiet", "-lossless", png.toString(), "-o", webp.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        Files.delete(png);
    }

    static boolean cwebpAvailable() {
        try {
            Process p = new ProcessBuilder("cwebp", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
