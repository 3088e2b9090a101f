package dev.aitk.launcher.data;

import java.util.Map;

/**
 * A base name that is not migrated, with the files involved and why. Nothing is dropped silently: every file in a
 * source folder is either migrated or named in one of these.
 *
 * @param files  role key ({@code target}, {@code masked}, {@code mask}, {@code caption}) to the file's path
 * @param sizes  role key to {@code WIDTHxHEIGHT}, for size mismatches
 * @param detail one sentence a user can act on
 */
public record LeftOut(String name, Reason reason, Map<String, String> files, Map<String, String> sizes, String detail) {

    public LeftOut {
        files = Map.copyOf(files);
        sizes = Map.copyOf(sizes);
    }

    public enum Reason {
        /** A masked image, mask or caption whose base name has no target image. */
        NO_TARGET,
        /** A target without its masked image (layouts that need it). */
        NO_MASKED,
        /** A target without its mask. */
        NO_MASK,
        /** Two files in one folder with the same base name (a.jpg and a.png): which one is meant is unknown. */
        DUPLICATE_NAME,
        /** The target, masked image and mask do not all have the same width and height. */
        SIZE_MISMATCH,
        /** A file that is not a readable PNG, JPEG or WebP image. */
        UNREADABLE
    }
}
