package dev.aitk.launcher.data;

import dev.aitk.launcher.images.ImageHeader;
import dev.aitk.launcher.images.ImageHeaders;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Image decoding and writing through ImageIO (WebP through the TwelveMonkeys plugin on the class path); headers come
 * from the shared {@link ImageHeaders} reader without decoding pixels. Grayscale is read from the raster, because
 * {@code getRGB} on a gray image applies a linear-to-sRGB curve that would change every mid-gray mask value.
 */
public final class ImageFiles {
    /** PNG deflate effort: the JDK maps quality q to level round(9 * (1 - q)); ~level 3 is far faster than 9 and barely larger. */
    private static final float PNG_QUALITY = 0.66f;

    private ImageFiles() {
    }

    /**
     * The image's header (size after the EXIF orientation, format, gray PNG or not), read by the header reader
     * validate uses, so migrate-data and validate agree on every file; an unreadable one is an IOException saying why.
     */
    public static ImageHeader probe(Path file) throws IOException {
        ImageHeader header = ImageHeaders.readHeader(file);
        if (!header.ok()) {
            throw new IOException(header.problem());
        }
        return header;
    }

    /** Decodes the image and turns it upright by its EXIF orientation, as ai-toolkit's exif_transpose does. */
    public static BufferedImage readUpright(Path file) throws IOException {
        BufferedImage image = read(file);
        // A header that cannot be read has orientation 1: the image is kept as stored, as Pillow does.
        int orientation = ImageHeaders.readHeader(file).orientation();
        return orientation == 1 ? image : orient(image, orientation);
    }

    /** Applies an EXIF orientation (2..8) the way Pillow's exif_transpose does; works on any image type. */
    static BufferedImage orient(BufferedImage in, int orientation) {
        int w = in.getWidth();
        int h = in.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        WritableRaster src = in.getRaster();
        WritableRaster dst = in.getColorModel().createCompatibleWritableRaster(ow, oh);
        Object pixel = null;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    case 8 -> { sx = w - 1 - y; sy = x; }
                    default -> { sx = x; sy = y; }
                }
                pixel = src.getDataElements(sx, sy, pixel);
                dst.setDataElements(x, y, pixel);
            }
        }
        return new BufferedImage(in.getColorModel(), dst, in.isAlphaPremultiplied(), null);
    }

    /** Decodes the whole image as stored; a file ImageIO cannot decode is an IOException naming it. */
    public static BufferedImage read(Path file) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (RuntimeException e) {
            throw new IOException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        if (image == null) {
            throw new IOException("not a PNG, JPEG or WebP image");
        }
        return image;
    }

    /**
     * Gray values 0..255 as Pillow's {@code convert('RGB').convert('L')} gives them (ai-toolkit's mask loader):
     * gray images keep their values, color images use Pillow's luma weights, alpha is ignored.
     */
    public static byte[] luminance(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        if (isGray(image)) {
            Raster raster = image.getRaster();
            int bits = image.getColorModel().getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) scaleTo8(row[x], bits);
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                // Pillow's fixed-point ITU-R 601-2 luma (L = 0.299 R + 0.587 G + 0.114 B, rounded).
                out[y * w + x] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
        }
        return out;
    }

    /** Packed 0xRRGGBB per pixel, alpha dropped; gray images are replicated from the raster. */
    public static int[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (isGray(image)) {
            byte[] gray = luminance(image);
            int[] out = new int[w * h];
            for (int i = 0; i < out.length; i++) {
                int v = gray[i] & 0xff;
                out[i] = (v << 16) | (v << 8) | v;
            }
            return out;
        }
        int[] out = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xffffff;
        }
        return out;
    }

    private static boolean isGray(BufferedImage image) {
        return !(image.getColorModel() instanceof IndexColorModel)
                && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
    }

    private static int scaleTo8(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        if (bits > 8) {
            return sample >> (bits - 8);
        }
        int max = (1 << bits) - 1;
        return max == 0 ? 0 : Math.round(sample * 255f / max);
    }

    /** Writes a PNG (no palette: the image's own type decides gray, RGB or RGBA). */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            if (out == null) {
                throw new IOException("cannot write " + file);
            }
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(PNG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
