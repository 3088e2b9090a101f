package dev.aitk.launcher.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageHeadersTest {
    @TempDir
    Path tmp;

    private ImageHeader read(String name, byte[] bytes) {
        return new ImageHeaders().read(TestImages.write(tmp.resolve(name), bytes));
    }

    @Test
    void pngModesFollowPillow() {
        assertThat(read("rgba.png", TestImages.png(40, 30, true))).satisfies(h -> {
            assertThat(h.width()).isEqualTo(40);
            assertThat(h.height()).isEqualTo(30);
            assertThat(h.pilMode()).isEqualTo("RGBA");
            assertThat(h.hasAlpha()).isTrue();
            assertThat(h.channels()).isEqualTo(4);
        });
        assertThat(read("rgb.png", TestImages.png(40, 30, false)).pilMode()).isEqualTo("RGB");
        ImageHeader palette = read("p.png", TestImages.palettePngWithTransparency(16, 8));
        assertThat(palette.pilMode()).isEqualTo("P");
        assertThat(palette.hasAlpha()).isTrue();
    }

    @Test
    void jpegOrientationSwapsTheSides() {
        ImageHeader upright = read("a.jpg", TestImages.jpegWithOrientation(64, 32, 1));
        assertThat(upright.width()).isEqualTo(64);
        ImageHeader rotated = read("b.jpg", TestImages.jpegWithOrientation(64, 32, 6));
        assertThat(rotated.width()).isEqualTo(32);
        assertThat(rotated.height()).isEqualTo(64);
        assertThat(rotated.orientation()).isEqualTo(6);
        assertThat(rotated.pilMode()).isEqualTo("RGB");
        ImageHeader flipped = read("c.jpg", TestImages.jpegWithOrientation(64, 32, 3));
        assertThat(flipped.width()).isEqualTo(64);
    }

    @Test
    void webpHeaders() {
        ImageHeader x = read("x.webp", TestImages.webpVp8x(1000, 700, true));
        assertThat(x.width()).isEqualTo(1000);
        assertThat(x.height()).isEqualTo(700);
        assertThat(x.pilMode()).isEqualTo("RGBA");
        assertThat(read("y.webp", TestImages.webpVp8x(5, 6, false)).pilMode()).isEqualTo("RGB");
        ImageHeader l = read("l.webp", TestImages.webpVp8l(300, 200, true));
        assertThat(l.width()).isEqualTo(300);
        assertThat(l.height()).isEqualTo(200);
        assertThat(l.hasAlpha()).isTrue();
    }

    @Test
    void brokenFilesSayWhy() {
        assertThat(read("empty.png", new byte[0]).problem()).contains("empty");
        assertThat(read("text.png", "hello world".getBytes()).problem()).contains("not a JPEG, PNG or WebP");
        byte[] png = TestImages.png(10, 10, false);
        assertThat(read("cut.png", java.util.Arrays.copyOf(png, 20)).problem()).contains("truncated PNG");
        assertThat(read("cut.jpg", java.util.Arrays.copyOf(TestImages.jpeg(10, 10), 100)).problem()).contains("truncated JPEG");
        byte[] webp = TestImages.webpVp8x(10, 10, false);
        assertThat(read("cut.webp", java.util.Arrays.copyOf(webp, 16)).problem()).contains("WebP");
    }

    @Test
    void aFileCutOffAfterAFineHeaderIsTruncatedWithoutDecoding() {
        byte[] png = TestImages.png(300, 200, false);
        assertThat(read("cut.png", java.util.Arrays.copyOf(png, png.length - 30)).problem())
                .startsWith("truncated PNG: the file ends before its IEND chunk");
        byte[] jpeg = TestImages.jpegWithOrientation(300, 200, 1);
        assertThat(read("cut.jpg", java.util.Arrays.copyOf(jpeg, jpeg.length * 2 / 3)).problem())
                .startsWith("truncated JPEG: the file ends before its end-of-image marker");
        byte[] webp = TestImages.webpVp8x(300, 200, false);
        assertThat(read("cut.webp", java.util.Arrays.copyOf(webp, webp.length - 4)).problem()).startsWith("truncated WebP");
    }

    @Test
    void bytesAppendedAfterTheEndAreFineAsPillowReadsThem() {
        byte[] padding = new byte[100];
        assertThat(read("padded.png", concat(TestImages.png(300, 200, false), padding)).ok()).isTrue();
        assertThat(read("padded.jpg", concat(TestImages.jpeg(300, 200), padding)).ok()).isTrue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void contentDecidesTheFormatNotTheExtension() {
        assertThat(read("really-a-png.jpg", TestImages.png(12, 9, false)).format()).isEqualTo("PNG");
    }
}
