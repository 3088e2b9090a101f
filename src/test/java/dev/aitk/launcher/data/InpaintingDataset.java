package dev.aitk.launcher.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a three-folder inpainting dataset the way a custom trainer keeps one: targets, masked images (target with
 * the hole painted black), masks (white = hole, with a gray anti-aliased edge) and captions.
 */
final class InpaintingDataset {
    final Path root;
    final Path targets;
    final Path masked;
    final Path masks;
    final Path captions;
    final List<String> names = new ArrayList<>();

    private InpaintingDataset(Path root) throws IOException {
        this.root = root;
        this.targets = Files.createDirectories(root.resolve("target"));
        this.masked = Files.createDirectories(root.resolve("masked"));
        this.masks = Files.createDirectories(root.resolve("mask"));
        this.captions = Files.createDirectories(root.resolve("captions"));
    }

    static InpaintingDataset in(Path root) throws IOException {
        return new InpaintingDataset(root);
    }

    /** A complete pair: target in {@code targetFormat}, masked PNG, grayscale PNG mask, caption. */
    InpaintingDataset pair(String name, String targetFormat, int w, int h) throws IOException {
        BufferedImage target = target(w, h, name.hashCode());
        write(target, targetFormat, targets.resolve(name + "." + ext(targetFormat)));
        BufferedImage mask = mask(w, h);
        write(holed(target, mask), "png", masked.resolve(name + ".png"));
        write(mask, "png", masks.resolve(name + ".png"));
        Files.writeString(captions.resolve(name + ".txt"), "a photo of [trigger], sample " + name, StandardCharsets.UTF_8);
        names.add(name);
        return this;
    }

    /** The mix the issue describes: several complete pairs plus a few unmatched, mismatched and broken files. */
    static InpaintingDataset standard(Path root) throws IOException {
        InpaintingDataset d = in(root);
        d.pair("a", "jpg", 64, 48).pair("b", "png", 48, 64).pair("c", "png", 32, 32).pair("d", "jpg", 40, 40);
        // An RGB mask (not grayscale) and a JPEG mask: both must become grayscale PNGs in the mask layout.
        d.pair("e", "png", 32, 24);
        write(toRgb(mask(32, 24)), "png", d.masks.resolve("e.png"));
        d.pair("f", "png", 24, 24);
        Files.delete(d.masks.resolve("f.png"));
        write(mask(24, 24), "jpg", d.masks.resolve("f.jpg"));
        // Left-out cases.
        write(mask(16, 16), "png", d.masks.resolve("orphan.png"));
        write(target(16, 16, 7), "png", d.targets.resolve("nomask.png"));
        write(target(16, 16, 7), "png", d.masked.resolve("nomask.png"));
        d.pair("badsize", "png", 32, 32);
        write(mask(30, 32), "png", d.masks.resolve("badsize.png"));
        d.names.remove("badsize");
        write(target(16, 16, 3), "png", d.targets.resolve("dup.png"));
        write(target(16, 16, 3), "jpg", d.targets.resolve("dup.jpg"));
        write(target(16, 16, 3), "png", d.masked.resolve("dup.png"));
        write(mask(16, 16), "png", d.masks.resolve("dup.png"));
        Files.writeString(d.captions.resolve("lonely.txt"), "no image for this caption");
        Files.write(d.targets.resolve("broken.png"), new byte[] {1, 2, 3, 4, 5});
        write(target(16, 16, 1), "png", d.masked.resolve("broken.png"));
        write(mask(16, 16), "png", d.masks.resolve("broken.png"));
        return d;
    }

    static String ext(String format) {
        return format.equals("jpeg") ? "jpg" : format;
    }

    static BufferedImage target(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1) + seed) & 0xff;
                int g = (y * 255 / Math.max(1, h - 1)) & 0xff;
                int b = ((x + y) * 7 + seed * 13) & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** White rectangle in the middle (the hole), a one-pixel gray (128) rim around it, black elsewhere. */
    static BufferedImage mask(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = 0;
                if (x >= w / 4 && x < 3 * w / 4 && y >= h / 4 && y < 3 * h / 4) {
                    v = 255;
                } else if (x >= w / 4 - 1 && x <= 3 * w / 4 && y >= h / 4 - 1 && y <= 3 * h / 4) {
                    v = 128;
                }
                data[y * w + x] = (byte) v;
            }
        }
        return img;
    }

    static BufferedImage toRgb(BufferedImage gray) {
        BufferedImage rgb = new BufferedImage(gray.getWidth(), gray.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < gray.getHeight(); y++) {
            for (int x = 0; x < gray.getWidth(); x++) {
                int v = gray.getRaster().getSample(x, y, 0);
                rgb.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return rgb;
    }

    static BufferedImage holed(BufferedImage target, BufferedImage mask) {
        BufferedImage out = new BufferedImage(target.getWidth(), target.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < target.getHeight(); y++) {
            for (int x = 0; x < target.getWidth(); x++) {
                out.setRGB(x, y, mask.getRaster().getSample(x, y, 0) == 255 ? 0 : target.getRGB(x, y) & 0xffffff);
            }
        }
        return out;
    }

    static void write(BufferedImage img, String format, Path file) throws IOException {
        if (!ImageIO.write(img, format.equals("jpg") ? "jpeg" : format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }

    /** Every file under {@code dir} with its content hash, size and modification time: to prove nothing changed. */
    static Map<String, String> fingerprint(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                String key = dir.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    out.put(key + "/", String.valueOf(Files.getLastModifiedTime(p).to(TimeUnit.MILLISECONDS)));
                } else {
                    out.put(key, sha256(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).to(TimeUnit.MILLISECONDS));
                }
            }
        }
        return out;
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            md.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The PNG color type from the IHDR chunk: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
    static int pngColorType(Path png) throws IOException {
        byte[] head = Files.readAllBytes(png);
        return head[25];
    }
}
