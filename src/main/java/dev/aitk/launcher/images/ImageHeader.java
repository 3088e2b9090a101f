package dev.aitk.launcher.images;

/**
 * What an image's header says, without decoding pixels: format, size after EXIF orientation, channels, bits per
 * sample, whether it has transparency, and the mode Pillow opens it in (ai-toolkit checks {@code mode == 'RGBA'}).
 * {@code problem} is null for a readable image, otherwise why it cannot be read.
 */
public record ImageHeader(String format, int width, int height, int channels, int bitDepth, boolean hasAlpha,
                          String pilMode, int orientation, String problem) {

    /** Pillow raises DecompressionBombError above twice Image.MAX_IMAGE_PIXELS (89,478,485): ai-toolkit cannot open these. */
    public static final long PILLOW_MAX_PIXELS = 2L * 89_478_485;

    public static ImageHeader broken(String problem) {
        return new ImageHeader(null, 0, 0, 0, 0, false, null, 1, problem);
    }

    public boolean ok() {
        return problem == null;
    }

    /** An 8-bit grayscale PNG: exactly what ai-toolkit's mask loader ends up with, so migrate-data can copy it. */
    public boolean grayPng8() {
        return "PNG".equals(format) && bitDepth == 8 && "L".equals(pilMode);
    }

    /** The displayed size, "WIDTHxHEIGHT". */
    public String size() {
        return width + "x" + height;
    }

    public boolean sameSize(ImageHeader other) {
        return width == other.width && height == other.height;
    }
}
