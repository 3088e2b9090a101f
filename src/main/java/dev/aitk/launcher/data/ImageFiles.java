package dev.aitk.launcher.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image reading and writing through ImageIO (WebP through the TwelveMonkeys plugin on the class path). Headers are
 * read without decoding pixels; grayscale is read from the raster, because {@code getRGB} on a gray image applies
 * a linear-to-sRGB curve that would change every mid-gray mask value.
 */
public final class ImageFiles {
    /** The extensions ai-toolkit lists as images and looks partners up by (lower case). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int PNG_COLOR_GRAY = 0;
    /** PNG deflate effort: the JDK maps quality q to level round(9 * (1 - q)); ~level 3 is far faster than 9 and barely larger. */
    private static final float PNG_QUALITY = 0.66f;

    private ImageFiles() {
    }

    /** The lower-case extension of a file name, or "" when it has none. */
    public static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The name without its last extension, as Python's {@code os.path.splitext} gives it. */
    public static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot <= 0 ? fileName : fileName.substring(0, dot);
    }

    public static boolean isImageName(String fileName) {
        return IMAGE_EXTENSIONS.contains(extension(fileName));
    }

    /**
     * Reads the dimensions and kind of an image from its header: PNG from its IHDR chunk, JPEG from its SOF and
     * Exif segments in one pass, anything else (WebP, misnamed files) through ImageIO's plugins.
     */
    public static ImageInfo probe(Path file) throws IOException {
        String ext = extension(file.getFileName().toString());
        ImageInfo quick = switch (ext) {
            case "png" -> probePng(file);
            case "jpg", "jpeg" -> probeJpeg(file);
            default -> null;
        };
        return quick != null ? quick : probeWithImageIO(file);
    }

    /** Width, height, bit depth and color type sit at fixed offsets of the first chunk; null when it is not a PNG. */
    private static ImageInfo probePng(Path file) throws IOException {
        byte[] head = new byte[26];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return null;
            }
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (head[i] != PNG_SIGNATURE[i]) {
                return null;
            }
        }
        if (head[12] != 'I' || head[13] != 'H' || head[14] != 'D' || head[15] != 'R') {
            return null;
        }
        int width = int32(head, 16);
        int height = int32(head, 20);
        if (width <= 0 || height <= 0) {
            return null;
        }
        return new ImageInfo(width, height, "png", head[24] == 8 && head[25] == PNG_COLOR_GRAY, 1);
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** Start-of-frame markers (all JPEG coding processes; C4, C8 and CC are other segments). */
    private static final Map<Integer, List<String>> JPEG_HEADER_SEGMENTS = jpegHeaderSegments();

    private static Map<Integer, List<String>> jpegHeaderSegments() {
        Map<Integer, List<String>> segments = new java.util.HashMap<>();
        for (int marker = 0xFFC0; marker <= 0xFFCF; marker++) {
            if (marker != 0xFFC4 && marker != 0xFFC8 && marker != 0xFFCC) {
                segments.put(marker, JPEGSegmentUtil.ALL_IDS);
            }
        }
        segments.put(JPEG.APP1, List.of("Exif"));
        return Map.copyOf(segments);
    }

    /** Size from the SOF segment and orientation from Exif, in one read up to the image data; null when unsure. */
    private static ImageInfo probeJpeg(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, JPEG_HEADER_SEGMENTS);
            int width = -1;
            int height = -1;
            int orientation = 1;
            for (JPEGSegment segment : segments) {
                if (segment.marker() == JPEG.APP1) {
                    orientation = orientation(segment);
                } else if (width < 0) {
                    byte[] sof = segment.data().readNBytes(5);
                    if (sof.length < 5) {
                        return null;
                    }
                    height = ((sof[1] & 0xff) << 8) | (sof[2] & 0xff);
                    width = ((sof[3] & 0xff) << 8) | (sof[4] & 0xff);
                }
            }
            if (width <= 0 || height <= 0) {
                return null;
            }
            boolean swapped = orientation >= 5;
            return new ImageInfo(swapped ? height : width, swapped ? width : height, "jpeg", false, orientation);
        } catch (IOException | RuntimeException e) {
            // Not a JPEG after all, or an odd one: ImageIO's reader decides.
            return null;
        }
    }

    private static ImageInfo probeWithImageIO(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file);
            }
            ImageReader reader = readerFor(file, in);
            try {
                reader.setInput(in, true, true);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                int orientation = format.equals("jpeg") ? exifOrientation(file) : 1;
                boolean swapped = orientation >= 5;
                return new ImageInfo(swapped ? height : width, swapped ? width : height, format,
                        format.equals("png") && isGray8Png(file), orientation);
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            // Plugins throw unchecked exceptions on some corrupt headers; to the caller it is the same unreadable file.
            throw new IOException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    /**
     * The reader the extension names when its plugin accepts the content (asking one plugin instead of every
     * registered one is most of the cost of a header read), else whichever plugin recognises the bytes.
     */
    private static ImageReader readerFor(Path file, ImageInputStream in) throws IOException {
        String ext = extension(file.getFileName().toString());
        Iterator<ImageReader> bySuffix = ImageIO.getImageReadersBySuffix(ext);
        while (bySuffix.hasNext()) {
            ImageReader candidate = bySuffix.next();
            if (candidate.getOriginatingProvider().canDecodeInput(in)) {
                return candidate;
            }
            candidate.dispose();
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new IOException("not a PNG, JPEG or WebP image");
        }
        return readers.next();
    }

    private static boolean isGray8Png(Path file) throws IOException {
        byte[] head = new byte[26];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return false;
            }
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (head[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        // IHDR is always the first chunk: bit depth at byte 24, color type at 25.
        return head[24] == 8 && head[25] == PNG_COLOR_GRAY;
    }

    /**
     * The EXIF orientation of a JPEG (1 when it has none or it cannot be read: Pillow's exif_transpose, which
     * ai-toolkit applies to training images, leaves such images as stored too).
     */
    static int exifOrientation(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            return exif.isEmpty() ? 1 : orientation(exif.get(0));
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    private static int orientation(JPEGSegment exif) {
        try {
            byte[] data = exif.data().readAllBytes();
            // "Exif" is followed by two zero bytes; the segment reader consumes the first as the name's terminator.
            int start = data.length > 0 && data[0] == 0 ? 1 : 0;
            Directory ifd = new TIFFReader().read(
                    new MemoryCacheImageInputStream(new ByteArrayInputStream(data, start, data.length - start)));
            Entry entry = ifd.getEntryById(TIFF.TAG_ORIENTATION);
            if (entry != null && entry.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
                return n.intValue();
            }
            return 1;
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    /** Decodes the image and turns it upright by its EXIF orientation, as ai-toolkit sees it. */
    public static BufferedImage readUpright(Path file) throws IOException {
        BufferedImage image = read(file);
        String ext = extension(file.getFileName().toString());
        int orientation = ext.equals("jpg") || ext.equals("jpeg") ? exifOrientation(file) : 1;
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
