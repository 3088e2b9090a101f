package dev.aitk.launcher.images;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads PNG, JPEG and WebP headers: one read of the first 16 KiB, and positional reads only where the
 * format puts what we need further in (a JPEG whose EXIF block holds a large thumbnail). An instance is not
 * thread-safe: each thread uses its own, or {@link #readHeader} which keeps one per thread.
 */
public final class ImageHeaders {
    private static final int FIRST_READ = 16 * 1024;
    private static final ThreadLocal<ImageHeaders> PER_THREAD = ThreadLocal.withInitial(ImageHeaders::new);
    private final byte[] buffer = new byte[FIRST_READ];
    private RandomAccessFile channel;
    private long fileSize;
    private long bufferStart;
    private int bufferLength;
    private long jpegFrameEnd;

    /** Reads one header with this thread's reader (one 16 KiB buffer per thread, reused). */
    public static ImageHeader readHeader(Path file) {
        return PER_THREAD.get().read(file);
    }

    public ImageHeader read(Path file) {
        try (RandomAccessFile ch = new RandomAccessFile(file.toFile(), "r")) {
            channel = ch;
            fileSize = ch.length();
            bufferStart = -1;
            bufferLength = 0;
            if (fileSize == 0) {
                return ImageHeader.broken("the file is empty (0 bytes)");
            }
            if (!fill(0)) {
                return ImageHeader.broken("the file cannot be read");
            }
            if (has(0, 8) && u8(0) == 0x89 && u8(1) == 'P' && u8(2) == 'N' && u8(3) == 'G') {
                return ended(png(), 33);
            }
            if (has(0, 3) && u8(0) == 0xFF && u8(1) == 0xD8 && u8(2) == 0xFF) {
                return ended(jpeg(), jpegFrameEnd);
            }
            if (has(0, 12) && u8(0) == 'R' && u8(1) == 'I' && u8(2) == 'F' && u8(3) == 'F'
                    && u8(8) == 'W' && u8(9) == 'E' && u8(10) == 'B' && u8(11) == 'P') {
                return webp();
            }
            return ImageHeader.broken("it is not a JPEG, PNG or WebP image (unknown first bytes)");
        } catch (FileNotFoundException e) {
            // RandomAccessFile reports every open failure this way, with the OS reason in parentheses.
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("permission denied")) {
                return ImageHeader.broken("permission denied");
            }
            if (msg.contains("symbolic links")) {
                return ImageHeader.broken("it is a symbolic link loop");
            }
            if (msg.contains("is a directory")) {
                return ImageHeader.broken("it is a folder, not a file");
            }
            return ImageHeader.broken("the file cannot be opened (a dangling link?)");
        } catch (IOException e) {
            return ImageHeader.broken("read error: " + e.getMessage());
        } finally {
            channel = null;
        }
    }

    /** How far from the end a PNG's IEND or a JPEG's EOI is looked for: writers may append a little after it. */
    private static final int TAIL = 4096;

    /**
     * The cheap end-of-file check every validation makes: a file cut off while copying or downloading has a fine
     * header but no end. A PNG ends with its IEND chunk, a JPEG with its EOI marker (FF D9, which entropy-coded data
     * cannot contain); both are looked for in the last 4 KiB, never before {@code dataStart}, in one positional
     * read (none when the first read held the whole file). Pillow refuses such files ("image file is truncated").
     * WebP's RIFF length is checked in {@link #webp()}.
     */
    private ImageHeader ended(ImageHeader header, long dataStart) throws IOException {
        if (!header.ok()) {
            return header;
        }
        long from = Math.max(dataStart, fileSize - TAIL);
        if (from >= fileSize || !has(from, (int) (fileSize - from))) {
            return header;
        }
        boolean png = "PNG".equals(header.format());
        for (long at = fileSize - (png ? 8 : 2); at >= from; at--) {
            if (png ? tag(at, "IEND") : u8(at) == 0xFF && u8(at + 1) == 0xD9) {
                return header;
            }
        }
        return ImageHeader.broken(png ? "truncated PNG: the file ends before its IEND chunk (cut off while copying?)"
                : "truncated JPEG: the file ends before its end-of-image marker (cut off while copying?)");
    }

    private ImageHeader png() throws IOException {
        if (!has(8, 25) || !tag(12, "IHDR")) {
            return ImageHeader.broken("truncated PNG: no IHDR header");
        }
        int width = s32be(16);
        int height = s32be(20);
        int bitDepth = u8(24);
        int colorType = u8(25);
        if (width <= 0 || height <= 0) {
            return ImageHeader.broken("PNG header has a zero or negative size (" + width + "x" + height + ")");
        }
        boolean trns = false;
        int orientation = 1;
        long pos = 33;
        // Walk the chunks up to the first IDAT: tRNS (transparency) and eXIf (orientation) come before it.
        while (true) {
            if (!has(pos, 8)) {
                return ImageHeader.broken("truncated PNG: the file ends before the image data");
            }
            long length = u32be(pos);
            if (tag(pos + 4, "IDAT")) {
                break;
            }
            if (tag(pos + 4, "IEND")) {
                return ImageHeader.broken("PNG has no image data (IEND before IDAT)");
            }
            if (tag(pos + 4, "tRNS")) {
                trns = true;
            } else if (tag(pos + 4, "eXIf") && length >= 8) {
                orientation = tiffOrientation(pos + 8, length);
            }
            pos += 12 + length;
            if (length > Integer.MAX_VALUE || pos > fileSize) {
                return ImageHeader.broken("truncated PNG: a chunk runs past the end of the file");
            }
        }
        int channels;
        String mode;
        switch (colorType) {
            case 0 -> {
                channels = 1;
                mode = bitDepth == 1 ? "1" : bitDepth == 16 ? "I;16" : "L";
            }
            case 2 -> {
                channels = 3;
                mode = "RGB";
            }
            case 3 -> {
                channels = 1;
                mode = "P";
            }
            case 4 -> {
                channels = 2;
                mode = "LA";
            }
            case 6 -> {
                channels = 4;
                mode = "RGBA";
            }
            default -> {
                return ImageHeader.broken("PNG has an invalid color type " + colorType);
            }
        }
        boolean alpha = colorType == 4 || colorType == 6 || trns;
        return oriented("PNG", width, height, channels, bitDepth, alpha, mode, orientation);
    }

    private ImageHeader jpeg() throws IOException {
        long pos = 2;
        jpegFrameEnd = 2;
        int orientation = 1;
        while (true) {
            if (!has(pos, 2)) {
                return ImageHeader.broken("truncated JPEG: the file ends before the frame header");
            }
            if (u8(pos) != 0xFF) {
                return ImageHeader.broken("corrupt JPEG: no marker where one should be (offset " + pos + ")");
            }
            int marker = u8(pos + 1);
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                pos += 2;
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return ImageHeader.broken("corrupt JPEG: no frame header before the image data");
            }
            if (!has(pos + 2, 2)) {
                return ImageHeader.broken("truncated JPEG: the file ends inside a header");
            }
            int length = u16be(pos + 2);
            if (length < 2) {
                return ImageHeader.broken("corrupt JPEG: a segment has length " + length);
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (!has(pos + 4, 6)) {
                    return ImageHeader.broken("truncated JPEG: the file ends inside the frame header");
                }
                int height = u16be(pos + 5);
                int width = u16be(pos + 7);
                int precision = u8(pos + 4);
                int components = u8(pos + 9);
                if (width == 0 || height == 0) {
                    return ImageHeader.broken("JPEG frame header has a zero size (" + width + "x" + height + ")");
                }
                String mode = components == 1 ? "L" : components == 3 ? "RGB" : components == 4 ? "CMYK" : null;
                if (mode == null) {
                    return ImageHeader.broken("JPEG has " + components + " color components");
                }
                if (pos + 2 + length >= fileSize) {
                    return ImageHeader.broken("truncated JPEG: the file ends right after the frame header");
                }
                jpegFrameEnd = pos + 2 + length;
                return oriented("JPEG", width, height, components, precision, false, mode, orientation);
            }
            if (marker == 0xE1 && length >= 16 && has(pos + 4, 6) && tag(pos + 4, "Exif") && u8(pos + 8) == 0 && u8(pos + 9) == 0) {
                orientation = tiffOrientation(pos + 10, length - 8);
            }
            pos += 2 + length;
        }
    }

    private ImageHeader webp() throws IOException {
        if (!has(12, 8)) {
            return ImageHeader.broken("truncated WebP: no image chunk");
        }
        long riffEnd = Math.min(fileSize, 8 + u32le(4));
        if (8 + u32le(4) > fileSize) {
            return ImageHeader.broken("truncated WebP: the RIFF header says " + (8 + u32le(4)) + " bytes, the file has " + fileSize);
        }
        if (tag(12, "VP8 ")) {
            if (!has(20, 10) || u8(23) != 0x9D || u8(24) != 0x01 || u8(25) != 0x2A) {
                return ImageHeader.broken("corrupt WebP: bad VP8 frame header");
            }
            int width = u16le(26) & 0x3FFF;
            int height = u16le(28) & 0x3FFF;
            return oriented("WebP", width, height, 3, 8, false, "RGB", 1);
        }
        if (tag(12, "VP8L")) {
            if (!has(20, 5) || u8(20) != 0x2F) {
                return ImageHeader.broken("corrupt WebP: bad VP8L header");
            }
            long bits = u32le(21);
            int width = (int) (bits & 0x3FFF) + 1;
            int height = (int) ((bits >> 14) & 0x3FFF) + 1;
            boolean alpha = ((bits >> 28) & 1) == 1;
            return oriented("WebP", width, height, alpha ? 4 : 3, 8, alpha, alpha ? "RGBA" : "RGB", 1);
        }
        if (tag(12, "VP8X")) {
            if (!has(20, 10)) {
                return ImageHeader.broken("truncated WebP: short VP8X header");
            }
            int flags = u8(20);
            int width = u24le(24) + 1;
            int height = u24le(27) + 1;
            boolean alpha = (flags & 0x10) != 0;
            int orientation = 1;
            if ((flags & 0x08) != 0) {
                long pos = 12 + 8 + u32le(16);
                while (pos + 8 <= riffEnd && has(pos, 8)) {
                    long len = u32le(pos + 4);
                    if (tag(pos, "EXIF")) {
                        long start = pos + 8;
                        // Some writers keep the "Exif\0\0" prefix inside the chunk.
                        if (has(start, 6) && tag(start, "Exif")) {
                            start += 6;
                        }
                        orientation = tiffOrientation(start, len);
                        break;
                    }
                    pos += 8 + len + (len & 1);
                }
            }
            return oriented("WebP", width, height, alpha ? 4 : 3, 8, alpha, alpha ? "RGBA" : "RGB", orientation);
        }
        return ImageHeader.broken("corrupt WebP: unknown first chunk");
    }

    private static ImageHeader oriented(String format, int width, int height, int channels, int bitDepth, boolean alpha,
                                        String mode, int orientation) {
        // EXIF orientations 5-8 rotate by 90 degrees: ai-toolkit's exif_transpose swaps the sides.
        boolean swap = orientation >= 5 && orientation <= 8;
        return new ImageHeader(format, swap ? height : width, swap ? width : height, channels, bitDepth, alpha, mode,
                orientation, null);
    }

    /** The orientation tag (0x0112) of IFD0 in a TIFF structure at {@code start}; 1 when absent or unreadable. */
    private int tiffOrientation(long start, long length) throws IOException {
        if (!has(start, 8)) {
            return 1;
        }
        boolean little;
        if (u8(start) == 'I' && u8(start + 1) == 'I') {
            little = true;
        } else if (u8(start) == 'M' && u8(start + 1) == 'M') {
            little = false;
        } else {
            return 1;
        }
        long ifd = start + (little ? u32le(start + 4) : u32be(start + 4));
        if (ifd + 2 > start + length || !has(ifd, 2)) {
            return 1;
        }
        int count = little ? u16le(ifd) : u16be(ifd);
        for (int i = 0; i < count && i < 512; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > start + length || !has(entry, 12)) {
                return 1;
            }
            int tagId = little ? u16le(entry) : u16be(entry);
            if (tagId == 0x0112) {
                int value = little ? u16le(entry + 8) : u16be(entry + 8);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    // --- buffered positional access ---

    private boolean fill(long pos) throws IOException {
        if (pos != 0) {
            channel.seek(pos);
        }
        int total = 0;
        int want = (int) Math.min(buffer.length, fileSize - pos);
        while (total < want) {
            int n = channel.read(buffer, total, want - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        bufferStart = pos;
        bufferLength = total;
        return total > 0;
    }

    /** True when bytes [pos, pos+n) exist in the file; loads them into the buffer if needed. */
    private boolean has(long pos, int n) throws IOException {
        if (pos < 0 || pos + n > fileSize) {
            return false;
        }
        if (pos >= bufferStart && pos + n <= bufferStart + bufferLength) {
            return true;
        }
        fill(pos);
        return pos + n <= bufferStart + bufferLength;
    }

    private int u8(long pos) {
        return buffer[(int) (pos - bufferStart)] & 0xFF;
    }

    private boolean tag(long pos, String fourCc) {
        for (int i = 0; i < 4; i++) {
            if (u8(pos + i) != fourCc.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int u16be(long pos) {
        return u8(pos) << 8 | u8(pos + 1);
    }

    private int u16le(long pos) {
        return u8(pos) | u8(pos + 1) << 8;
    }

    private int u24le(long pos) {
        return u8(pos) | u8(pos + 1) << 8 | u8(pos + 2) << 16;
    }

    private long u32be(long pos) {
        return (long) u8(pos) << 24 | u8(pos + 1) << 16 | u8(pos + 2) << 8 | u8(pos + 3);
    }

    private int s32be(long pos) {
        return (int) u32be(pos);
    }

    private long u32le(long pos) {
        return u8(pos) | u8(pos + 1) << 8 | u8(pos + 2) << 16 | (long) u8(pos + 3) << 24;
    }
}
