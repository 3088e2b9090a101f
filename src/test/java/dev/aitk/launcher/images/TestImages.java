package dev.aitk.launcher.images;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Writes small real images for the tests: PNG (RGB, RGBA, palette with tRNS), JPEG and PNG with EXIF orientation, WebP headers. */
public final class TestImages {
    private TestImages() {
    }

    public static byte[] png(int width, int height, boolean alpha) {
        BufferedImage img = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(alpha ? new Color(200, 10, 10, 0) : Color.DARK_GRAY);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillRect(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return encode(img, "png");
    }

    /** A palette PNG whose first color is transparent: Pillow opens it as mode P, not RGBA. */
    public static byte[] palettePngWithTransparency(int width, int height) {
        byte[] r = {0, (byte) 255};
        byte[] gr = {0, (byte) 255};
        byte[] b = {0, (byte) 255};
        byte[] a = {0, (byte) 255};
        IndexColorModel model = new IndexColorModel(1, 2, r, gr, b, a);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, model);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width / 2, height);
        g.dispose();
        return encode(img, "png");
    }

    public static byte[] jpeg(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return encode(img, "jpg");
    }

    /** A JPEG with an APP1 EXIF segment (big-endian TIFF, IFD0 with one Orientation entry) right after SOI. */
    public static byte[] jpegWithOrientation(int width, int height, int orientation) {
        return withJpegOrientation(jpeg(width, height), orientation);
    }

    /** Inserts an APP1 Exif segment holding {@link #tiffWithOrientation} right after a JPEG's SOI. */
    public static byte[] withJpegOrientation(byte[] plain, int orientation) {
        byte[] tiff = tiffWithOrientation(orientation);
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
        int segmentLength = 2 + exif.length + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(segmentLength >> 8);
        out.write(segmentLength & 0xFF);
        out.write(exif, 0, exif.length);
        out.write(tiff, 0, tiff.length);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** Inserts an eXIf chunk holding {@link #tiffWithOrientation} right after a PNG's IHDR chunk. */
    public static byte[] withPngOrientation(byte[] png, int orientation) {
        byte[] tiff = tiffWithOrientation(orientation);
        byte[] chunk = ByteBuffer.allocate(4 + tiff.length).put("eXIf".getBytes(StandardCharsets.ISO_8859_1)).put(tiff).array();
        CRC32 crc = new CRC32();
        crc.update(chunk);
        int afterIhdr = 8 + 25;
        ByteBuffer out = ByteBuffer.allocate(png.length + 12 + tiff.length);
        out.put(png, 0, afterIhdr).putInt(tiff.length).put(chunk).putInt((int) crc.getValue());
        out.put(png, afterIhdr, png.length - afterIhdr);
        return out.array();
    }

    /** A big-endian TIFF structure whose IFD0 has one entry: Orientation. */
    private static byte[] tiffWithOrientation(int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.BIG_ENDIAN);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        return tiff.array();
    }

    /** The first bytes of an extended WebP (VP8X) with the given canvas and alpha flag; enough for a header read. */
    public static byte[] webpVp8x(int width, int height, boolean alpha) {
        ByteBuffer b = ByteBuffer.allocate(30 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(30);
        b.put("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        b.put("VP8X".getBytes(StandardCharsets.ISO_8859_1)).putInt(10);
        b.put((byte) (alpha ? 0x10 : 0)).put((byte) 0).put((byte) 0).put((byte) 0);
        put24(b, width - 1);
        put24(b, height - 1);
        b.put(new byte[8]);
        return b.array();
    }

    /** A lossless WebP (VP8L) header: 14-bit width-1, 14-bit height-1, the alpha-is-used bit. */
    public static byte[] webpVp8l(int width, int height, boolean alpha) {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(22);
        b.put("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        b.put("VP8L".getBytes(StandardCharsets.ISO_8859_1)).putInt(10);
        b.put((byte) 0x2F);
        int bits = (width - 1) | (height - 1) << 14 | (alpha ? 1 : 0) << 28;
        b.putInt(bits);
        b.put(new byte[5]);
        return b.array();
    }

    private static void put24(ByteBuffer b, int v) {
        b.put((byte) (v & 0xFF)).put((byte) (v >> 8 & 0xFF)).put((byte) (v >> 16 & 0xFF));
    }

    public static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
