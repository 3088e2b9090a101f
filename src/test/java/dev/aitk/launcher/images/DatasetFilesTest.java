package dev.aitk.launcher.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files ai-toolkit's loader trains on (toolkit/data_loader.py AiToolkitDataset, os.walk). */
class DatasetFilesTest {
    @TempDir
    Path tmp;

    private void touch(String relative) throws Exception {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }

    @Test
    void countsWhatTheLoaderWalksAndNothingElse() throws Exception {
        touch("a.jpg");
        touch("b.JPEG");
        touch("c.png");
        touch("d.WebP");
        touch("sub/e.png");              // os.walk enters sub-folders
        touch("sub/deeper/f.jpg");
        touch("g.avif");                 // not in image_extensions
        touch("h.bmp");
        touch("a.txt");
        touch(".hidden.png");            // hidden files are skipped
        touch(".thumbs/i.png");          // hidden folders are pruned
        touch("_controls/j.png");        // generated control images are never trained on
        assertThat(DatasetFiles.countTrainingImages(tmp)).isEqualTo(6);
        assertThat(DatasetFiles.trainingImages(tmp)).extracting(p -> tmp.relativize(p).toString().replace('\\', '/'))
                .containsExactly("a.jpg", "b.JPEG", "c.png", "d.WebP", "sub/deeper/f.jpg", "sub/e.png");
    }

    @Test
    void anEmptyOrMissingFolderHasNoCount() throws Exception {
        touch("notes.txt");
        assertThat(DatasetFiles.countTrainingImages(tmp)).isNull();
        assertThat(DatasetFiles.countTrainingImages(tmp.resolve("nope"))).isNull();
    }

    @Test
    void namesSplitAsPythonsSplitextDoes() {
        assertThat(DatasetFiles.baseName("a.b.png")).isEqualTo("a.b");
        assertThat(DatasetFiles.extension("A.PNG")).isEqualTo("png");
        assertThat(DatasetFiles.extension(".png")).isEmpty();
        assertThat(DatasetFiles.hasExtension("x.PNG", DatasetFiles.INPAINT_EXTENSIONS)).isTrue();
        assertThat(DatasetFiles.hasExtension("x.jpg", DatasetFiles.INPAINT_EXTENSIONS)).isFalse();
    }
}
