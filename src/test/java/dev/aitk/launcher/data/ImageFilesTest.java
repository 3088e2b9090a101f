package dev.aitk.launcher.data;

import dev.aitk.launcher.images.ImageHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    @TempDir
    Path tmp;

    @Test
    void headerSizesAgreeWithAFullDecodeForEveryFixtureImage() throws Exception {
        InpaintingDataset data = InpaintingDataset.standard(tmp.resolve("src"));
        int checked = 0;
        for (Path dir : new Path[] {data.targets, data.masked, data.masks}) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("broken")).toList()) {
                    BufferedImage decoded = ImageIO.read(f.toFile());
                    ImageHeader info = ImageFiles.probe(f);
                    assertThat(info.size()).as(f.toString()).isEqualTo(decoded.getWidth() + "x" + decoded.getHeight());
                    assertThat(info.grayPng8()).as(f.toString())
                            .isEqualTo(f.toString().endsWith(".png") && decoded.getType() == BufferedImage.TYPE_BYTE_GRAY);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void aMisnamedFileIsReadByItsContentAndGarbageIsUnreadable() throws Exception {
        Path jpegNamedPng = tmp.resolve("photo.png");
        InpaintingDataset.write(InpaintingDataset.target(12, 7, 1), "jpg", jpegNamedPng);
        assertThat(ImageFiles.probe(jpegNamedPng).size()).isEqualTo("12x7");
        assertThat(ImageFiles.probe(jpegNamedPng).format()).isEqualTo("JPEG");

        Path garbage = Files.write(tmp.resolve("x.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        assertThatThrownBy(() -> ImageFiles.probe(garbage)).isInstanceOf(IOException.class);
    }

    @Test
    void luminanceUsesPillowsWeightsAndKeepsGrayValues() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff0000);
        rgb.setRGB(1, 0, 0x808080);
        // Pillow: L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16, so pure red is 76 and gray 128 stays 128.
        assertThat(ImageFiles.luminance(rgb)).containsExactly((byte) 76, (byte) 128);
        BufferedImage gray = InpaintingDataset.mask(8, 8);
        byte[] l = ImageFiles.luminance(gray);
        assertThat(l[0] & 0xff).isZero();
        assertThat(l[4 * 8 + 4] & 0xff).isEqualTo(255);
        assertThat(l[1 * 8 + 1] & 0xff).isEqualTo(128);
    }
}
