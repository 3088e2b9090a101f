package dev.aitk.launcher.validate;

import dev.aitk.launcher.images.ImageHeader;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * {@code --deep}: decodes every image fully with ImageIO (WebP through the TwelveMonkeys plugin) to find
 * files whose header is fine but whose data is truncated or corrupt. Decoder warnings count as problems:
 * the JDK's JPEG reader only warns about a premature end of file.
 */
final class DeepDecode {
    private static final int CHUNK = 32;

    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private DeepDecode() {
    }

    /** One entry per file: null when it decodes cleanly (or its header already failed), else the problem. */
    static String[] decodeAll(ExecutorService pool, List<Path> files, ImageHeader[] headers) {
        String[] out = new String[files.size()];
        List<Future<?>> futures = new ArrayList<>();
        for (int start = 0; start < files.size(); start += CHUNK) {
            int from = start;
            int to = Math.min(files.size(), start + CHUNK);
            futures.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    if (headers[i] != null && headers[i].ok() && (long) headers[i].width() * headers[i].height() <= ImageHeader.PILLOW_MAX_PIXELS) {
                        out[i] = decode(files.get(i));
                    }
                }
            }));
        }
        HeaderPool.await(futures);
        return out;
    }

    static String decode(Path file) {
        // A stream of unknown length: TwelveMonkeys then bounds the allocation by its global limit instead of
        // 2048 x the file size, which refuses legitimate tiny WebPs of flat masks (a 300x200 transparent image
        // is 42 bytes). Images Pillow would refuse as too large are reported before decoding is tried.
        try (InputStream raw = Files.newInputStream(file);
             ImageInputStream in = new MemoryCacheImageInputStream(new BufferedInputStream(raw, 64 * 1024))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return "no decoder for this format";
            }
            ImageReader reader = readers.next();
            StringBuilder warnings = new StringBuilder();
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> {
                if (warnings.length() == 0) {
                    warnings.append(warning);
                }
            });
            try {
                reader.setInput(in, true, true);
                // Every byte of the stream is still decoded; subsampling only skips building most output pixels.
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(8, 8, 0, 0);
                BufferedImage image = reader.read(0, param);
                if (image == null) {
                    return "decodes to nothing";
                }
            } finally {
                reader.dispose();
            }
            return warnings.length() == 0 ? null : "decoder warning: " + warnings;
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage();
            return "does not decode (" + (msg == null ? e.getClass().getSimpleName() : msg) + ")";
        } catch (OutOfMemoryError e) {
            return "too large to decode in this JVM's memory (run with a larger -Xmx to check it)";
        }
    }
}
