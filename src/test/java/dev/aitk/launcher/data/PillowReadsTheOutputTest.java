package dev.aitk.launcher.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aitk.launcher.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the migrated dataset with Pillow the way ai-toolkit's data loader does (dataloader_mixins.py): inpaint
 * images must open in mode RGBA, masks go through convert('RGB').convert('L'). Skipped where python3 with Pillow is
 * missing (.ci/run installs it).
 */
class PillowReadsTheOutputTest {
    @TempDir
    Path tmp;

    private static final String SCRIPT = """
            import sys, os
            from PIL import Image
            out, masks, layout = sys.argv[1], sys.argv[2], sys.argv[3]
            folder = os.path.join(out, 'inpaint' if layout == 'flex2' else 'masks')
            checked = 0
            for name in sorted(os.listdir(folder)):
                if name.startswith('.'):
                    continue
                base = os.path.splitext(name)[0]
                src = next(os.path.join(masks, base + e) for e in ('.png', '.jpg', '.jpeg', '.webp') if os.path.exists(os.path.join(masks, base + e)))
                want = Image.open(src).convert('RGB').convert('L')
                img = Image.open(os.path.join(folder, name))
                if layout == 'flex2':
                    assert img.mode == 'RGBA', (name, img.mode)
                    alpha = img.getchannel('A')
                    bad = [p for p in range(img.width * img.height) if alpha.getdata()[p] != 255 - want.getdata()[p]]
                else:
                    got = img.convert('RGB').convert('L')
                    bad = [p for p in range(img.width * img.height) if got.getdata()[p] != want.getdata()[p]]
                assert not bad, (name, len(bad))
                checked += 1
            print('checked', checked)
            """;

    @Test
    void pillowOpensFlex2ImagesAsRgbaWithTheMaskInAlpha() throws Exception {
        runPillowCheck("flex2");
    }

    @Test
    void pillowReadsTheMaskLayoutWithTheSourceMaskValues() throws Exception {
        runPillowCheck("mask");
    }

    private void runPillowCheck(String layout) throws Exception {
        assumeTrue(pillowAvailable(), "python3 with Pillow is not installed (.ci/run installs it); skipping the Pillow check");
        InpaintingDataset data = InpaintingDataset.standard(tmp.resolve("src"));
        Path out = tmp.resolve("out");
        CliRun.Result r = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--masks", data.masks.toString(), "--output", out.toString(),
                "--layout", layout);
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path script = Files.writeString(tmp.resolve("check.py"), SCRIPT);

        Process p = new ProcessBuilder("python3", script.toString(), out.toString(), data.masks.toString(), layout)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("checked " + data.names.size());
    }

    static boolean pillowAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import PIL").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
