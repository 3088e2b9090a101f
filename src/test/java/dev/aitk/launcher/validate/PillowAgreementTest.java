package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.images.ImageHeader;
import dev.aitk.launcher.images.ImageHeaders;
import dev.aitk.launcher.images.TestImages;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header reader agrees with Pillow, which is what ai-toolkit opens images with: size after
 * ImageOps.exif_transpose and the mode of the opened image (ai-toolkit takes inpaint images only in mode
 * RGBA). Pillow also writes the WebP cases. Skipped where python3 with Pillow is missing (.ci/run installs it).
 */
class PillowAgreementTest {
    @TempDir
    Path tmp;

    private static final String SCRIPT = """
            import json, os, sys
            from PIL import Image, ImageOps
            d = sys.argv[1]
            rgba = Image.new("RGBA", (300, 200), (255, 0, 0, 0))
            rgba.save(os.path.join(d, "lossless-alpha.webp"), lossless=True)
            Image.new("RGB", (300, 200), (0, 255, 0)).save(os.path.join(d, "lossy.webp"), quality=80)
            rgba.save(os.path.join(d, "lossy-alpha.webp"), quality=80)
            exif = Image.Exif()
            exif[0x0112] = 6
            Image.new("RGB", (300, 200)).save(os.path.join(d, "rotated.webp"), exif=exif.tobytes())
            Image.new("RGB", (300, 200)).save(os.path.join(d, "rotated-exif.png"), exif=exif.tobytes())
            Image.new("LA", (30, 20)).save(os.path.join(d, "gray-alpha.png"))
            Image.new("L", (30, 20)).save(os.path.join(d, "gray.png"))
            Image.new("RGB", (30, 20)).save(os.path.join(d, "rgb-colorkey.png"), transparency=(0, 0, 0))
            out = {}
            for name in sorted(os.listdir(d)):
                if name.endswith(".py"):
                    continue
                with Image.open(os.path.join(d, name)) as img:
                    mode = img.mode
                    w, h = ImageOps.exif_transpose(img).size
                out[name] = [w, h, mode]
            print(json.dumps(out))
            """;

    @Test
    void sizesAfterExifRotationAndModesMatchPillow() throws Exception {
        TestImages.write(tmp.resolve("rgba.png"), TestImages.png(40, 30, true));
        TestImages.write(tmp.resolve("rgb.png"), TestImages.png(40, 30, false));
        TestImages.write(tmp.resolve("palette-trns.png"), TestImages.palettePngWithTransparency(16, 8));
        for (int orientation = 1; orientation <= 8; orientation++) {
            TestImages.write(tmp.resolve("exif-" + orientation + ".jpg"), TestImages.jpegWithOrientation(64, 32, orientation));
        }
        Path script = Files.writeString(tmp.resolve("probe.py"), SCRIPT);
        JsonNode pillow = runPython(script, tmp);
        int compared = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = pillow.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ImageHeader h = new ImageHeaders().read(tmp.resolve(e.getKey()));
            assertThat(h.problem()).as(e.getKey()).isNull();
            assertThat(new Object[] {h.width(), h.height(), h.pilMode()}).as(e.getKey())
                    .containsExactly(e.getValue().get(0).asInt(), e.getValue().get(1).asInt(), e.getValue().get(2).asText());
            assertThat(DeepDecode.decode(tmp.resolve(e.getKey()))).as("--deep decodes " + e.getKey()).isNull();
            compared++;
        }
        assertThat(compared).isEqualTo(3 + 8 + 8);
        // A WebP cut short: TwelveMonkeys' decoder (what --deep uses) refuses it.
        byte[] webp = Files.readAllBytes(tmp.resolve("lossy.webp"));
        Path cut = Files.write(tmp.resolve("cut.webp"), java.util.Arrays.copyOf(webp, webp.length - 20));
        assertThat(DeepDecode.decode(cut)).isNotNull();
    }

    private static final String LOAD_SCRIPT = """
            import json, os, sys
            from PIL import Image
            d = sys.argv[1]
            out = {}
            for name in sorted(os.listdir(d)):
                if name.endswith(".py"):
                    continue
                try:
                    with Image.open(os.path.join(d, name)) as img:
                        img.load()
                    out[name] = None
                except Exception as e:
                    out[name] = str(e)
            print(json.dumps(out))
            """;

    /** The cheap end-of-file check agrees with Pillow's full load: what it calls truncated, Pillow cannot open. */
    @Test
    void filesTheHeaderReaderCallsTruncatedPillowCannotLoadAndPaddedOnesItCan() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ends"));
        byte[] png = TestImages.png(300, 200, false);
        byte[] jpeg = TestImages.jpeg(300, 200);
        TestImages.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length - 30));
        TestImages.write(dir.resolve("cut.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        byte[] padded = java.util.Arrays.copyOf(jpeg, jpeg.length + 64);
        TestImages.write(dir.resolve("padded.jpg"), padded);
        JsonNode pillow = runPython(Files.writeString(tmp.resolve("load.py"), LOAD_SCRIPT), dir);
        for (String name : new String[] {"cut.png", "cut.jpg", "padded.jpg"}) {
            boolean pillowFails = !pillow.get(name).isNull();
            assertThat(new ImageHeaders().read(dir.resolve(name)).ok()).as(name + ": Pillow says " + pillow.get(name)).isEqualTo(!pillowFails);
        }
        assertThat(pillow.get("cut.png").isNull()).isFalse();
    }

    private static JsonNode runPython(Path script, Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", script.toString(), dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed: " + e.getMessage());
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(err.contains("No module named 'PIL'"), "Pillow is not installed for python3");
        Assumptions.assumeFalse(err.contains("WebP") && err.contains("not supported"), "this Pillow has no WebP support");
        assertThat(p.exitValue()).as(err).isZero();
        return Json.mapper().readTree(out);
    }
}
