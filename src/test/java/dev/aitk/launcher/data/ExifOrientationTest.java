package dev.aitk.launcher.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.images.TestImages;
import dev.aitk.launcher.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ai-toolkit turns training images upright with Pillow's exif_transpose before pairing sizes, so a phone JPEG
 * stored 40x20 with orientation 6 is a 20x40 image, and its mask is 20x40.
 */
class ExifOrientationTest {
    @TempDir
    Path tmp;

    @Test
    void sizesAreComparedAfterTheExifOrientationAndConvertedMasksAreUpright() throws Exception {
        InpaintingDataset data = InpaintingDataset.in(tmp.resolve("src"));
        BufferedImage stored = InpaintingDataset.target(40, 20, 1);
        Files.write(data.targets.resolve("phone.jpg"), TestImages.withJpegOrientation(TestImages.encode(stored, "jpg"), 6));
        InpaintingDataset.write(InpaintingDataset.mask(20, 40), "png", data.masks.resolve("phone.png"));
        Files.write(data.targets.resolve("sideways.jpg"), TestImages.withJpegOrientation(TestImages.encode(stored, "jpg"), 6));
        InpaintingDataset.write(InpaintingDataset.mask(40, 20), "png", data.masks.resolve("sideways.png"));
        // A JPEG mask with orientation 8: the PNG written for it must be upright (PNG has no orientation to carry).
        InpaintingDataset.write(stored, "png", data.targets.resolve("rotmask.png"));
        BufferedImage maskStored = InpaintingDataset.toRgb(InpaintingDataset.mask(20, 40));
        Files.write(data.masks.resolve("rotmask.jpg"), TestImages.withJpegOrientation(TestImages.encode(maskStored, "jpg"), 8));
        Path out = tmp.resolve("out");

        JsonNode report = migrateMasks(data, out);
        assertThat(report.get("pairsMigrated").asInt()).isEqualTo(2);
        JsonNode mismatch = report.get("sizeMismatches").get(0);
        assertThat(mismatch.get("name").asText()).isEqualTo("sideways");
        assertThat(mismatch.get("sizes").get("target").asText()).isEqualTo("20x40");
        BufferedImage converted = ImageIO.read(out.resolve("masks/rotmask.png").toFile());
        assertThat(converted.getWidth()).isEqualTo(40);
        assertThat(converted.getHeight()).isEqualTo(20);
    }

    @Test
    void aPngsExifChunkTurnsItToo() throws Exception {
        // Pillow's exif_transpose honours a PNG eXIf chunk as well: stored 40x20 with orientation 6 is 20x40.
        InpaintingDataset data = InpaintingDataset.in(tmp.resolve("src"));
        Files.write(data.targets.resolve("turned.png"), TestImages.withPngOrientation(TestImages.encode(InpaintingDataset.target(40, 20, 1), "png"), 6));
        BufferedImage rgbMask = InpaintingDataset.toRgb(InpaintingDataset.mask(40, 20));
        Files.write(data.masks.resolve("turned.png"), TestImages.withPngOrientation(TestImages.encode(rgbMask, "png"), 6));
        Path out = tmp.resolve("out");

        assertThat(migrateMasks(data, out).get("pairsMigrated").asInt()).isEqualTo(1);
        BufferedImage converted = ImageIO.read(out.resolve("masks/turned.png").toFile());
        assertThat(converted.getWidth()).isEqualTo(20);
        assertThat(converted.getHeight()).isEqualTo(40);
    }

    @Test
    void orientationsMatchPillowsExifTranspose() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int v = 0;
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.getRaster().setSample(x, y, 0, ++v);
            }
        }
        // Stored rows: [1 2 3] [4 5 6]. Orientation 6 (rotate 90 clockwise to display): rows [4 1] [5 2] [6 3].
        BufferedImage six = ImageFiles.orient(img, 6);
        assertThat(rows(six)).isEqualTo("4 1|5 2|6 3");
        assertThat(rows(ImageFiles.orient(img, 8))).isEqualTo("3 6|2 5|1 4");
        assertThat(rows(ImageFiles.orient(img, 3))).isEqualTo("6 5 4|3 2 1");
        assertThat(rows(ImageFiles.orient(img, 2))).isEqualTo("3 2 1|6 5 4");
        assertThat(rows(ImageFiles.orient(img, 5))).isEqualTo("1 4|2 5|3 6");
        assertThat(rows(ImageFiles.orient(img, 7))).isEqualTo("6 3|5 2|4 1");
    }

    /** Runs migrate-data into the mask layout, expects success and returns the JSON report. */
    private JsonNode migrateMasks(InpaintingDataset data, Path out) throws Exception {
        CliRun.Result r = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masks", data.masks.toString(), "--output", out.toString(), "--layout", "mask", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out()).get("report");
    }

    private static String rows(BufferedImage img) {
        StringBuilder b = new StringBuilder();
        for (int y = 0; y < img.getHeight(); y++) {
            if (y > 0) {
                b.append('|');
            }
            for (int x = 0; x < img.getWidth(); x++) {
                b.append(x > 0 ? " " : "").append(img.getRaster().getSample(x, y, 0));
            }
        }
        return b.toString();
    }
}
