package dev.aitk.launcher.validate;

import dev.aitk.launcher.images.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates datasets the way users lay them out: {@code images/NNNN.jpg} + {@code NNNN.txt} captions, and
 * partner folders ({@code masks/}, {@code control/}, {@code inpaint/}) with the same base names. One encoded
 * template per kind, copied per file, so thousands of files cost milliseconds.
 */
final class TestDatasets {
    private TestDatasets() {
    }

    static void images(Path dir, int count, int width, int height, boolean captions) {
        byte[] jpeg = TestImages.jpeg(width, height);
        for (int i = 0; i < count; i++) {
            String base = String.format("%04d", i);
            TestImages.write(dir.resolve(base + ".jpg"), jpeg);
            if (captions) {
                write(dir.resolve(base + ".txt"), "a photo of [trigger], number " + i);
            }
        }
    }

    static void partners(Path dir, int count, byte[] template, String ext) {
        for (int i = 0; i < count; i++) {
            TestImages.write(dir.resolve(String.format("%04d", i) + ext), template);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
