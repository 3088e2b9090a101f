package dev.aitk.launcher.plan;

import dev.aitk.launcher.images.DatasetFiles;
import dev.aitk.launcher.images.ImageHeader;
import dev.aitk.launcher.images.ImageHeaders;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which inpainting variant a dataset is laid out for, from the partner folders next to (or inside) the
 * images folder, as migrate-data writes them: {@code control/} (masked images: Kontext's control_path),
 * {@code inpaint/} holding images with an alpha channel (Flex.2's inpaint_path), {@code masks/} (FLUX.1-dev's
 * focus mask, mask_path). {@code variant} is null when no partner folder shows; {@code reason} says what was
 * found where.
 */
public record DatasetLayout(ModelVariant variant, String reason) {

    /** The layout of the dataset whose training images are in {@code images} (or whose root holds images/). */
    public static DatasetLayout of(Path images) {
        if (images == null || !Files.isDirectory(images)) {
            return new DatasetLayout(null, "no dataset folder to look at");
        }
        for (Path root : List.of(images, images.toAbsolutePath().getParent() == null ? images
                : images.toAbsolutePath().getParent())) {
            Path control = root.resolve("control");
            if (hasImage(control, DatasetFiles.IMAGE_EXTENSIONS)) {
                return new DatasetLayout(ModelVariant.KONTEXT, control + " holds control images (masked images for "
                        + "Kontext's control_path)");
            }
            Path inpaint = root.resolve("inpaint");
            Path alpha = firstImage(inpaint, DatasetFiles.INPAINT_EXTENSIONS);
            if (alpha != null) {
                ImageHeader header = ImageHeaders.readHeader(alpha);
                if (header.ok() && header.hasAlpha()) {
                    return new DatasetLayout(ModelVariant.FLEX2, inpaint + " holds images with an alpha channel "
                            + "(Flex.2's inpaint_path: transparent where to fill)");
                }
            }
            for (String name : List.of("masks", "mask")) {
                Path masks = root.resolve(name);
                if (hasImage(masks, DatasetFiles.IMAGE_EXTENSIONS)) {
                    return new DatasetLayout(ModelVariant.DEV, masks + " holds masks (FLUX.1-dev's mask_path: a focus "
                            + "mask that weights the loss)");
                }
            }
        }
        return new DatasetLayout(null, "no control/, inpaint/ or masks/ folder beside " + images);
    }

    private static boolean hasImage(Path folder, List<String> extensions) {
        return firstImage(folder, extensions) != null;
    }

    private static Path firstImage(Path folder, List<String> extensions) {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && DatasetFiles.hasExtension(name, extensions) && Files.isRegularFile(p)) {
                    return p;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
        return null;
    }
}
