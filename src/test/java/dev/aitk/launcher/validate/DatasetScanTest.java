package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.images.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetScanTest {
    @TempDir
    Path tmp;
    ValidatorFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ValidatorFixture(tmp);
    }

    private static List<Finding> at(ValidationReport r, String pathEnd) {
        return r.findings().stream().filter(f -> f.path().endsWith(pathEnd)).toList();
    }

    @Test
    void manyMissingCaptionsAreOneFindingWithACountAndTheFirstNames() {
        TestDatasets.images(fx.data.resolve("images"), 1200, 768, 1024, false);
        TestDatasets.partners(fx.data.resolve("masks"), 1200, TestImages.png(768, 1024, false), ".png");
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        List<Finding> f = at(r, "datasets[0].folder_path");
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Severity.WARNING);
            assertThat(x.message()).startsWith("1,200 images have no caption file (.txt)")
                    .contains("0000.jpg, 0001.jpg, 0002.jpg, 0003.jpg, 0004.jpg, ... and 1,195 more");
            assertThat(x.line()).isEqualTo(20);
        });
    }

    @Test
    void validateAndThePlannerCountTheSameImagesAsAiToolkitsLoader() throws IOException {
        fx.maskDataset(3);
        Path images = fx.data.resolve("images");
        TestImages.write(images.resolve(".thumbs/0000.jpg"), TestImages.jpeg(768, 1024));
        TestImages.write(images.resolve(".0001.jpg"), TestImages.jpeg(768, 1024));
        TestImages.write(images.resolve("extra.avif"), TestImages.jpeg(768, 1024));
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(r.summary().datasets().get(0).images()).isEqualTo(3)
                .isEqualTo(dev.aitk.launcher.images.DatasetFiles.countTrainingImages(images));
        assertThat(r.findings()).as("hidden files are not trained on, so they need no mask").isEmpty();
    }

    @Test
    void defaultCaptionCoversImagesWithoutCaptionFiles() {
        TestDatasets.images(fx.data.resolve("images"), 3, 768, 1024, false);
        TestDatasets.partners(fx.data.resolve("masks"), 3, TestImages.png(768, 1024, false), ".png");
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "caption_ext: txt", "caption_ext: txt\n          default_caption: a photo of [trigger]"));
        assertThat(r.findings()).isEmpty();
        assertThat(r.summary().datasets().get(0).usingDefaultCaption()).isEqualTo(3);
    }

    @Test
    void missingMaskIsAnErrorNamingTheImageAndCaseMismatchIsExplained() throws IOException {
        fx.maskDataset(4);
        Files.delete(fx.data.resolve("masks/0002.png"));
        Files.move(fx.data.resolve("masks/0003.png"), fx.data.resolve("masks/0003.PNG"));
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        Finding f = at(r, "mask_path").get(0);
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).startsWith("2 images have no mask image")
                .contains("0002.jpg").contains("0003.jpg (found 0003.PNG, but names and extensions are case-sensitive)");
        assertThat(f.line()).isEqualTo(21);
    }

    @Test
    void maskOfADifferentShapeIsAnErrorAndOfTheSameShapeAWarning() {
        TestDatasets.images(fx.data.resolve("images"), 2, 768, 1024, true);
        TestImages.write(fx.data.resolve("masks/0000.png"), TestImages.png(1024, 768, false));
        TestImages.write(fx.data.resolve("masks/0001.png"), TestImages.png(384, 512, false));
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(at(r, "mask_path")).extracting(Finding::severity, f -> f.message().substring(0, 40))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Severity.ERROR, "1 mask images have a different shape fro"),
                        org.assertj.core.groups.Tuple.tuple(Severity.WARNING, "1 mask images have the same shape but a "));
    }

    @Test
    void exifRotatedJpegIsMeasuredAfterRotation() {
        // Stored 1024 wide x 768 high, orientation 6 (rotate 90): ai-toolkit sees 768 x 1024, like its mask.
        TestImages.write(fx.data.resolve("images/0000.jpg"), TestImages.jpegWithOrientation(1024, 768, 6));
        TestDatasets.write(fx.data.resolve("images/0000.txt"), "caption");
        TestImages.write(fx.data.resolve("masks/0000.png"), TestImages.png(768, 1024, false));
        assertThat(fx.validate(fx.config("flux-dev-mask.yaml")).findings()).isEmpty();
    }

    @Test
    void paletteInpaintImageWithTransparencyIsNotRgba() {
        TestDatasets.images(fx.data.resolve("images"), 2, 768, 1024, true);
        TestImages.write(fx.data.resolve("inpaint/0000.png"), TestImages.png(768, 1024, true));
        TestImages.write(fx.data.resolve("inpaint/0001.png"), TestImages.palettePngWithTransparency(768, 1024));
        ValidationReport r = fx.validate(fx.config("flex2-inpaint.json"));
        Finding f = at(r, "inpaint_path").get(0);
        assertThat(f.isError()).isTrue();
        assertThat(f.message()).contains("do not open as RGBA").contains("inpaint/0001.png (a palette image with a transparency chunk (mode P))");
        assertThat(f.message()).doesNotContain("0000.png");
    }

    @Test
    void corruptAndSmallImagesAreNamed() throws IOException {
        fx.maskDataset(3);
        Files.write(fx.data.resolve("images/0001.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16});
        TestImages.write(fx.data.resolve("images/0002.jpg"), TestImages.jpeg(300, 400));
        TestImages.write(fx.data.resolve("masks/0002.png"), TestImages.png(300, 400, false));
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(r.findings()).extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).startsWith("1 images cannot be read").contains("0001.jpg (truncated JPEG"))
                .anySatisfy(m -> assertThat(m).startsWith("1 images have fewer pixels than the smallest training resolution (512x512)")
                        .contains("0002.jpg (300x400)"));
        assertThat(r.summary().datasets().get(0).unreadable()).isEqualTo(1);
    }

    @Test
    void aTruncatedPngWhoseHeaderIsFineIsFoundWithoutDeepToo() throws IOException {
        fx.maskDataset(2);
        byte[] png = TestImages.png(768, 1024, false);
        byte[] cut = java.util.Arrays.copyOf(png, png.length - 30);
        Files.write(fx.data.resolve("masks/0001.png"), cut);
        assertThat(fx.validate(fx.config("flux-dev-mask.yaml")).findings()).filteredOn(Finding::isError).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("1 mask images cannot be read")
                        .contains("masks/0001.png (truncated PNG: the file ends before its IEND chunk"));
        ValidationReport deep = fx.validate(fx.config("flux-dev-mask.yaml"), ValidateOptions.defaults().withDeep(true));
        assertThat(deep.findings()).filteredOn(Finding::isError).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("1 mask images cannot be read").contains("masks/0001.png"));
    }

    @Test
    void missingFolderAndImagesInSubfoldersAndControlsFolder() throws IOException {
        fx.maskDataset(2);
        TestDatasets.images(fx.data.resolve("images/_controls"), 1, 768, 1024, true);
        TestDatasets.images(fx.data.resolve("images/more"), 1, 768, 1024, true);
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "${DATASET_DIR}/masks", "${DATASET_DIR}/no-masks"));
        assertThat(at(r, "mask_path")).singleElement().satisfies(f -> assertThat(f.message()).contains("no-masks does not exist"));
        // os.walk: the subfolder's image counts, the _controls folder's does not.
        assertThat(r.summary().datasets().get(0).images()).isEqualTo(3);
    }

    @Test
    void symlinkedSubfolderIsNotFollowedLikeOsWalk() throws IOException {
        fx.maskDataset(2);
        TestDatasets.images(tmp.resolve("elsewhere"), 3, 768, 1024, true);
        Files.createSymbolicLink(fx.data.resolve("images/linked"), tmp.resolve("elsewhere"));
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml"));
        assertThat(r.summary().datasets().get(0).images()).isEqualTo(2);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("does not follow them").contains("linked");
        });
    }

    @Test
    void partnerFolderInsideTheImageFolderIsTrainedOnToo() {
        TestDatasets.images(fx.data.resolve("images"), 2, 768, 1024, true);
        TestDatasets.partners(fx.data.resolve("images/masks"), 2, TestImages.png(768, 1024, false), ".png");
        ValidationReport r = fx.validate(fx.config("flux-dev-mask.yaml", "${DATASET_DIR}/masks", "${DATASET_DIR}/images/masks"));
        assertThat(r.findings()).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("inside folder_path"));
    }

    @Test
    void aTruncatedJpegIsFoundWithoutDeepToo() throws IOException {
        fx.maskDataset(2);
        byte[] jpeg = TestImages.jpegWithOrientation(768, 1024, 1);
        Files.write(fx.data.resolve("images/0000.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length * 2 / 3));
        assertThat(fx.validate(fx.config("flux-dev-mask.yaml")).findings()).filteredOn(Finding::isError).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("1 images cannot be read")
                        .contains("0000.jpg (truncated JPEG: the file ends before its end-of-image marker"));
        ValidationReport deep = fx.validate(fx.config("flux-dev-mask.yaml"), ValidateOptions.defaults().withDeep(true));
        assertThat(deep.findings()).filteredOn(Finding::isError).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("1 images cannot be read").contains("0000.jpg ("));
    }

    @Test
    void deepFindsEmptyCaptionFiles() throws IOException {
        fx.maskDataset(3);
        Files.writeString(fx.data.resolve("images/0001.txt"), "");
        assertThat(fx.validate(fx.config("flux-dev-mask.yaml")).findings()).isEmpty();
        ValidationReport deep = fx.validate(fx.config("flux-dev-mask.yaml"), ValidateOptions.defaults().withDeep(true));
        assertThat(deep.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).startsWith("1 caption files are empty").endsWith("0001.txt");
        });
    }
}
