package dev.aitk.launcher.realtrainer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A few 64x64 training images with captions, and beside them the partner folders the FLUX variants read:
 * {@code masks/} (gray focus masks, FLUX.1-dev), {@code control/} (the masked image, Kontext). Seeded, so a
 * failing run can be rebuilt exactly.
 */
public record TinyDataset(Path images, Path masks, Path control) {
    public static final int SIDE_PX = 64;

    /** Writes {@code count} image/caption pairs with their masks and control images under {@code root}. */
    public static TinyDataset write(Path root, int count) {
        try {
            TinyDataset d = new TinyDataset(Files.createDirectories(root.resolve("images")),
                    Files.createDirectories(root.resolve("masks")), Files.createDirectories(root.resolve("control")));
            Random random = new Random(count);
            for (int i = 0; i < count; i++) {
                String name = "img" + i;
                BufferedImage image = new BufferedImage(SIDE_PX, SIDE_PX, BufferedImage.TYPE_INT_RGB);
                BufferedImage mask = new BufferedImage(SIDE_PX, SIDE_PX, BufferedImage.TYPE_BYTE_GRAY);
                BufferedImage masked = new BufferedImage(SIDE_PX, SIDE_PX, BufferedImage.TYPE_INT_RGB);
                int base = random.nextInt(0xFFFFFF);
                for (int y = 0; y < SIDE_PX; y++) {
                    for (int x = 0; x < SIDE_PX; x++) {
                        int rgb = (base + x * 0x030201 + y * 0x010203) & 0xFFFFFF;
                        boolean inside = x >= 16 && x < 48 && y >= 16 && y < 48;
                        image.setRGB(x, y, rgb);
                        mask.setRGB(x, y, inside ? 0xFFFFFF : 0);
                        masked.setRGB(x, y, inside ? 0xFFFFFF : rgb);
                    }
                }
                ImageIO.write(image, "png", d.images.resolve(name + ".png").toFile());
                ImageIO.write(mask, "png", d.masks.resolve(name + ".png").toFile());
                ImageIO.write(masked, "png", d.control.resolve(name + ".png").toFile());
                Files.writeString(d.images.resolve(name + ".txt"), "a tiny square pattern, number " + i);
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
