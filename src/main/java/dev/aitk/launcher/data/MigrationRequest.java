package dev.aitk.launcher.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to migrate and how. Folders are absolute. {@code masked} and {@code masks} are optional unless the layout
 * needs them ({@link Layout#requiredPartner()}); a folder that is given takes part in pairing either way.
 *
 * @param captionExt     extension of caption files in {@code captions} and of those written (ai-toolkit's
 *                       {@code caption_ext}), without the dot
 * @param defaultCaption ai-toolkit's {@code default_caption} for targets without a caption file
 * @param trigger        ai-toolkit's {@code trigger_word}: it replaces {@code [trigger]} in captions at training time
 * @param strict         any file left out fails the run (exit 3) before anything is written
 * @param workers        upper bound of parallel file operations
 */
public record MigrationRequest(Path targets, Optional<Path> masked, Optional<Path> masks, Optional<Path> captions,
                               Path output, Layout layout, TransferMode transfer, String captionExt,
                               Optional<String> defaultCaption, Optional<String> trigger, boolean strict,
                               boolean dryRun, int workers) {

    public MigrationRequest {
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(transfer, "transfer");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
    }

    /** The folder of the given role, if it was given. */
    public Optional<Path> folder(Role role) {
        return switch (role) {
            case TARGET -> Optional.of(targets);
            case MASKED -> masked;
            case MASK -> masks;
            case CAPTION -> captions;
        };
    }

    public Path imagesDir() {
        return output.resolve("images");
    }

    public Path partnerDir() {
        return output.resolve(layout.folderName());
    }
}
