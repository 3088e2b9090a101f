package dev.aitk.launcher.validate;

/**
 * What an image's header says, without decoding pixels: format, size after EXIF orientation, channels,
 * whether it has transparency, and the mode Pillow opens it in (ai-toolkit checks {@code mode == 'RGBA'}).
 * {@code problem} is null for a readable image, otherwise why it cannot be read.
 */
record ImageHeader(String format, int width, int height, int channels, boolean hasAlpha, String pilMode,
                   int orientation, String problem) {

    /** Pillow raises DecompressionBombError above twice Image.MAX_IMAGE_PIXELS (89,478,485): ai-toolkit cannot open these. */
    static final long PILLOW_MAX_PIXELS = 2L * 89_478_485;

    static ImageHeader broken(String problem) {
        return new ImageHeader(null, 0, 0, 0, false, null, 1, problem);
    }

    boolean ok() {
        return problem == null;
    }
}
