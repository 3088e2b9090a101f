package dev.aitk.launcher.data;

/**
 * What an image's header says, read without decoding the pixels.
 *
 * @param width       width as displayed, after the EXIF orientation (as ai-toolkit's exif_transpose sees it)
 * @param height      height as displayed
 * @param format      the reader's format name ({@code png}, {@code jpeg}, {@code webp})
 * @param grayPng8    an 8-bit grayscale PNG: exactly what ai-toolkit's mask loader ends up with, so it can be copied
 * @param orientation the EXIF orientation (1 = as stored; 5 to 8 swap width and height)
 */
public record ImageInfo(int width, int height, String format, boolean grayPng8, int orientation) {

    public String size() {
        return width + "x" + height;
    }

    public boolean sameSize(ImageInfo other) {
        return width == other.width && height == other.height;
    }
}
