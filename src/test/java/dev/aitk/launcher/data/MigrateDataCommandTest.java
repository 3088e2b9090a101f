package dev.aitk.launcher.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateDataCommandTest {
    @TempDir
    Path tmp;

    InpaintingDataset data;
    Path out;

    @BeforeEach
    void dataset() throws Exception {
        data = InpaintingDataset.standard(tmp.resolve("src"));
        out = tmp.resolve("out");
    }

    CliRun.Result migrate(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("migrate-data",
                "--targets", data.targets.toString(), "--masked", data.masked.toString(),
                "--masks", data.masks.toString(), "--captions", data.captions.toString(), "--output", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.in(tmp).run(args.toArray(String[]::new));
    }

    JsonNode json(CliRun.Result r) throws Exception {
        return Json.mapper().readTree(r.out()).get("report");
    }

    @Test
    void kontextCopiesTargetsAndMaskedImagesUnchangedAndListsEveryLeftOutFile() throws Exception {
        CliRun.Result r = migrate("--layout", "kontext", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = json(r);
        assertThat(report.get("pairsMigrated").asInt()).isEqualTo(data.names.size());
        for (String name : data.names) {
            Path target = Files.list(data.targets).filter(p -> p.getFileName().toString().startsWith(name + ".")).findFirst().orElseThrow();
            Path copied = out.resolve("images").resolve(target.getFileName());
            assertThat(Files.readAllBytes(copied)).isEqualTo(Files.readAllBytes(target));
            assertThat(Files.readAllBytes(out.resolve("control").resolve(name + ".png")))
                    .isEqualTo(Files.readAllBytes(data.masked.resolve(name + ".png")));
            assertThat(out.resolve("images").resolve(name + ".txt")).hasSameTextualContentAs(data.captions.resolve(name + ".txt"));
        }
        Map<String, String> reasons = new java.util.TreeMap<>();
        report.get("leftOut").forEach(l -> reasons.put(l.get("name").asText(), l.get("reason").asText()));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "orphan", "NO_TARGET", "nomask", "NO_MASK", "badsize", "SIZE_MISMATCH",
                "dup", "DUPLICATE_NAME", "lonely", "NO_TARGET", "broken", "UNREADABLE"));
        assertThat(report.get("unmatched").get("mask").get(0).asText()).endsWith("orphan.png");
        assertThat(report.get("unmatched").get("caption").get(0).asText()).endsWith("lonely.txt");
        JsonNode mismatch = report.get("sizeMismatches").get(0);
        assertThat(mismatch.get("sizes").get("target").asText()).isEqualTo("32x32");
        assertThat(mismatch.get("sizes").get("mask").asText()).isEqualTo("30x32");
        // Nothing left out reaches the output, so ai-toolkit never trains a half pair.
        assertThat(out.resolve("images/nomask.png")).doesNotExist();
        assertThat(out.resolve("images/badsize.png")).doesNotExist();
        JsonNode entry = report.get("datasetBlock").get("entry");
        assertThat(entry.get("folder_path").asText()).isEqualTo(out.resolve("images").toString());
        assertThat(entry.get("control_path").asText()).isEqualTo(out.resolve("control").toString());
        assertThat(entry.get("caption_ext").asText()).isEqualTo("txt");
    }

    @Test
    void humanReportNamesLeftOutFilesAndPrintsTheBlockToPaste() {
        CliRun.Result r = migrate("--layout", "kontext", "--trigger", "sh0e");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("badsize: sizes differ (target 32x32, masked 32x32, mask 30x32)")
                .contains("orphan: no target image named 'orphan.*' in --targets")
                .contains("nomask: no mask named 'nomask.*' in --masks")
                .contains("dup: more than one file named 'dup.*' in --targets")
                .contains("trigger_word: sh0e")
                .contains("datasets:\n  - folder_path: " + out.resolve("images"))
                .contains("    control_path: " + out.resolve("control"));
    }

    @Test
    void flex2WritesRgbaPngsWhoseAlphaIsZeroExactlyWhereTheMaskIsWhite() throws Exception {
        CliRun.Result r = migrate("--layout", "flex2");

        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String name : data.names) {
            Path png = out.resolve("inpaint").resolve(name + ".png");
            // Color type 6 = truecolor with alpha: ai-toolkit skips inpaint images whose PIL mode is not RGBA.
            assertThat(InpaintingDataset.pngColorType(png)).as(name).isEqualTo(6);
            BufferedImage inpaint = ImageIO.read(png.toFile());
            BufferedImage mask = ImageIO.read(Stream.of("png", "jpg").map(e -> data.masks.resolve(name + "." + e))
                    .filter(Files::exists).findFirst().orElseThrow().toFile());
            BufferedImage masked = ImageIO.read(data.masked.resolve(name + ".png").toFile());
            byte[] gray = ImageFiles.luminance(mask);
            for (int y = 0; y < inpaint.getHeight(); y++) {
                for (int x = 0; x < inpaint.getWidth(); x++) {
                    int alpha = inpaint.getRaster().getSample(x, y, 3);
                    int m = gray[y * mask.getWidth() + x] & 0xff;
                    assertThat(alpha).as("%s alpha at %d,%d", name, x, y).isEqualTo(255 - m);
                    assertThat(alpha == 0).isEqualTo(m == 255);
                    assertThat(inpaint.getRGB(x, y) & 0xffffff).isEqualTo(masked.getRGB(x, y) & 0xffffff);
                }
            }
        }
        assertThat(out.resolve("control")).doesNotExist();
    }

    @Test
    void maskLayoutWritesGrayscalePngsWithTheValuesAiToolkitReads() throws Exception {
        CliRun.Result r = migrate("--layout", "mask");

        assertThat(r.exitCode()).as(r.err()).isZero();
        // A gray 8-bit PNG mask is already what ai-toolkit reads: copied byte for byte.
        assertThat(Files.readAllBytes(out.resolve("masks/a.png"))).isEqualTo(Files.readAllBytes(data.masks.resolve("a.png")));
        // An RGB PNG and a JPEG mask are converted to gray PNGs with the same values.
        for (String name : List.of("e", "f")) {
            Path png = out.resolve("masks").resolve(name + ".png");
            assertThat(InpaintingDataset.pngColorType(png)).isZero();
            Path source = Files.exists(data.masks.resolve(name + ".png")) ? data.masks.resolve(name + ".png") : data.masks.resolve(name + ".jpg");
            BufferedImage expected = ImageIO.read(source.toFile());
            BufferedImage actual = ImageIO.read(png.toFile());
            for (int y = 0; y < actual.getHeight(); y++) {
                for (int x = 0; x < actual.getWidth(); x++) {
                    int want = expected.getType() == BufferedImage.TYPE_BYTE_GRAY
                            ? expected.getRaster().getSample(x, y, 0) : expected.getRGB(x, y) & 0xff;
                    assertThat(actual.getRaster().getSample(x, y, 0)).as("%s at %d,%d", name, x, y).isEqualTo(want);
                }
            }
        }
        assertThat(r.out()).contains("    mask_path: " + out.resolve("masks"));
    }

    @Test
    void neverModifiesTheSourcesAndASecondRunWritesNothing() throws Exception {
        Map<String, String> before = InpaintingDataset.fingerprint(data.root);
        CliRun.Result first = migrate("--layout", "flex2", "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        Map<String, String> outputAfterFirst = InpaintingDataset.fingerprint(out);

        CliRun.Result second = migrate("--layout", "flex2", "--json");

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(json(second).get("filesWritten").asInt()).isZero();
        assertThat(json(second).get("filesUnchanged").asInt()).isEqualTo(json(first).get("filesWritten").asInt());
        assertThat(InpaintingDataset.fingerprint(out)).isEqualTo(outputAfterFirst);
        assertThat(InpaintingDataset.fingerprint(data.root)).isEqualTo(before);
        assertThat(migrate("--layout", "flex2").out()).contains("0 written, " + json(first).get("filesWritten").asInt() + " unchanged since the last run: nothing new to write");
    }

    @Test
    void aChangedSourceIsWrittenAgainOnTheNextRun() throws Exception {
        assertThat(migrate("--layout", "mask").exitCode()).isZero();
        InpaintingDataset.write(InpaintingDataset.toRgb(InpaintingDataset.mask(32, 24)), "png", data.masks.resolve("e.png"));
        Files.setLastModifiedTime(data.masks.resolve("e.png"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));

        CliRun.Result again = migrate("--layout", "mask", "--json");

        assertThat(json(again).get("filesWritten").asInt()).isEqualTo(1);
    }

    @Test
    void strictWritesNothingAndExits3WhenAnythingIsLeftOut() throws Exception {
        CliRun.Result r = migrate("--layout", "kontext", "--strict");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("--strict").contains("nothing was written");
        assertThat(out).doesNotExist();
    }

    @Test
    void withJsonAStrictFailureIsOneObjectWithTheErrorAndTheReport() throws Exception {
        CliRun.Result r = migrate("--layout", "kontext", "--strict", "--json");

        assertThat(r.exitCode()).isEqualTo(3);
        JsonNode doc = Json.mapper().readTree(r.out());
        assertThat(doc.get("error").asText()).contains("--strict").contains("nothing was written");
        assertThat(doc.get("exitCode").asInt()).isEqualTo(3);
        assertThat(doc.get("report").get("status").asText()).isEqualTo("STRICT_LEFT_OUT");
        assertThat(doc.get("report").get("leftOutFiles").asInt()).isPositive();
    }

    @Test
    void dryRunShowsWhatWouldBeWrittenAndWritesNothing() throws Exception {
        CliRun.Result r = migrate("--layout", "flex2", "--dry-run", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        // Per pair: the partner, the target and its caption.
        assertThat(json(r).get("filesWritten").asInt()).isEqualTo(3 * data.names.size());
        assertThat(out).doesNotExist();
    }

    @Test
    void linkHardLinksTargetsInsteadOfCopying() throws Exception {
        CliRun.Result r = migrate("--layout", "kontext", "--link", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.isSameFile(out.resolve("images/b.png"), data.targets.resolve("b.png"))).isTrue();
        assertThat(Files.isSameFile(out.resolve("control/b.png"), data.masked.resolve("b.png"))).isTrue();
        assertThat(json(r).get("linkFallbacks").asInt()).isZero();
        assertThat(json(migrate("--layout", "kontext", "--link", "--json")).get("filesWritten").asInt()).isZero();
    }

    @Test
    void linkAcrossFileSystemsFallsBackToCopiesAndSaysSo() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "needs /dev/shm on another file system than the temp dir");
        Path other = Files.createTempDirectory(shm, "migrate-data-test");
        try {
            out = other.resolve("out");
            CliRun.Result r = migrate("--layout", "kontext", "--link", "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(json(r).get("linkFallbacks").asInt()).isEqualTo(json(r).get("filesWritten").asInt());
            assertThat(Files.readAllBytes(out.resolve("images/b.png"))).isEqualTo(Files.readAllBytes(data.targets.resolve("b.png")));
            assertThat(json(r).get("warnings").toString()).contains("copied instead of hard-linked");
        } finally {
            try (Stream<Path> files = Files.walk(other)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void staleTempFilesOfAnInterruptedRunAreRemovedAndForeignFilesReported() throws Exception {
        Files.createDirectories(out.resolve("images"));
        Files.write(out.resolve("images/.a.jpg.tmp"), new byte[] {1, 2, 3});
        Files.write(out.resolve("images/old.png"), new byte[] {1, 2, 3});

        CliRun.Result r = migrate("--layout", "kontext", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("images/.a.jpg.tmp")).doesNotExist();
        assertThat(json(r).get("staleTempsRemoved").asInt()).isEqualTo(1);
        assertThat(json(r).get("foreignOutputFiles").get(0).asText()).endsWith("old.png");
    }

    @Test
    void defaultCaptionAndTriggerGoIntoTheBlock() throws Exception {
        CliRun.Result r = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masks", data.masks.toString(), "--output", out.toString(), "--layout", "mask",
                "--default-caption", "a photo of [trigger]", "--trigger", "sh0e", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = json(r);
        assertThat(report.get("captionsDefault").asInt()).isEqualTo(data.names.size());
        assertThat(report.get("datasetBlock").get("entry").get("default_caption").asText()).isEqualTo("a photo of [trigger]");
        assertThat(report.get("datasetBlock").get("yaml").asText()).contains("trigger_word: sh0e");
    }

    @Test
    void badInputEndsInOneSentenceAndTheRightExitCode() throws Exception {
        CliRun.Result missing = CliRun.in(tmp).run("migrate-data", "--targets", tmp.resolve("nope").toString(),
                "--masked", data.masked.toString(), "--output", out.toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).startsWith("error: --targets ").contains("does not exist");

        CliRun.Result needsMasks = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--output", out.toString(), "--layout", "flex2");
        assertThat(needsMasks.exitCode()).isEqualTo(2);
        assertThat(needsMasks.err()).contains("the flex2 layout needs --masks DIR");

        CliRun.Result inside = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--output", data.targets.resolve("out").toString());
        assertThat(inside.exitCode()).isEqualTo(2);
        assertThat(inside.err()).contains("would write into the source folder");

        CliRun.Result badLayout = migrate("--layout", "fill");
        assertThat(badLayout.exitCode()).isEqualTo(2);
        assertThat(badLayout.err()).contains("'fill' is not a layout");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun.Result nothing = CliRun.in(tmp).run("migrate-data", "--targets", empty.toString(),
                "--masked", data.masked.toString(), "--output", out.toString());
        assertThat(nothing.exitCode()).isEqualTo(3);
        assertThat(nothing.err()).contains("nothing to migrate");
        assertThat(nothing.err()).doesNotContain("Exception");
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() throws Exception {
        CliRun.Result r = CliRun.in(tmp).cwd(data.root).run("migrate-data", "--targets", "target", "--masked", "masked",
                "--output", "../rel-out", "--layout", "kontext");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(tmp.resolve("rel-out/images/b.png")).exists();
    }

    @Test
    void captionsBesideTheTargetsAreUsedAndOtherFilesAreListedAsIgnored() throws Exception {
        Files.copy(data.captions.resolve("a.txt"), data.targets.resolve("a.txt"));
        Files.writeString(data.targets.resolve("notes.md"), "not data");

        CliRun.Result r = CliRun.in(tmp).run("migrate-data", "--targets", data.targets.toString(),
                "--masked", data.masked.toString(), "--output", out.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = json(r);
        assertThat(report.get("captionFiles").asInt()).isEqualTo(1);
        assertThat(out.resolve("images/a.txt")).hasSameTextualContentAs(data.captions.resolve("a.txt"));
        // Without --masks, "nomask" and "badsize" pair up too; only "a" has a caption.
        assertThat(report.get("captionsMissing").size()).isEqualTo(report.get("pairsMigrated").asInt() - 1);
        assertThat(report.get("ignoredFiles").toString()).contains("notes.md").doesNotContain("a.txt");
        assertThat(report.get("warnings").toString()).contains("ai-toolkit trains them with an empty caption");
    }
}
