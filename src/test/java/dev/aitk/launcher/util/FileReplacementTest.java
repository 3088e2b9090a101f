package dev.aitk.launcher.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReplacementTest {
    @TempDir
    Path dir;

    private List<FileReplacement.Written> write(boolean consent, FileReplacement.Planned... files) {
        return FileReplacement.writeAll(List.of(files), consent, "add --force");
    }

    @Test
    void whatTheLauncherWroteAndNobodyChangedIsReplacedWithoutACopy() throws Exception {
        Path config = dir.resolve("a.yaml");
        write(false, new FileReplacement.Planned(config, "a: 1\n"));
        assertThat(Files.readString(config)).startsWith("a: 1\n# written by aitk-launcher, sha256 ");
        assertThat(FileReplacement.isUsers(config)).isFalse();

        List<FileReplacement.Written> again = write(false, new FileReplacement.Planned(config, "a: 2\n"));

        assertThat(again.get(0).backup()).isNull();
        assertThat(Files.readString(config)).startsWith("a: 2\n");
        assertThat(Files.readString(config).lines().filter(l -> l.contains("written by aitk-launcher"))).hasSize(1);
    }

    @Test
    void anEditedFileIsRefusedAndNothingIsWritten() throws Exception {
        Path config = dir.resolve("a.yaml");
        Path other = dir.resolve("b.yaml");
        write(false, new FileReplacement.Planned(config, "a: 1\n"), new FileReplacement.Planned(other, "b: 1\n"));
        String edited = Files.readString(config).replace("a: 1", "a: 5");
        Files.writeString(config, edited);
        String untouched = Files.readString(other);

        assertThatThrownBy(() -> write(false, new FileReplacement.Planned(other, "b: 2\n"),
                new FileReplacement.Planned(config, "a: 2\n")))
                .isInstanceOf(LauncherException.class)
                .hasMessage(config + " was changed since aitk-launcher wrote it (or not written by it), so it is not "
                        + "replaced; add --force")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        assertThat(Files.readString(config)).isEqualTo(edited);
        assertThat(Files.readString(other)).isEqualTo(untouched);
    }

    @Test
    void withConsentTheUsersTextIsKeptAsBak() throws Exception {
        Path mine = dir.resolve("mine.yaml");
        Files.writeString(mine, "# my own config\na: 1\n");

        List<FileReplacement.Written> w = write(true, new FileReplacement.Planned(mine, "a: 2\n"));

        assertThat(w.get(0).backup()).isEqualTo(dir.resolve("mine.yaml.bak"));
        assertThat(Files.readString(dir.resolve("mine.yaml.bak"))).isEqualTo("# my own config\na: 1\n");
        assertThat(Files.readString(mine)).startsWith("a: 2\n");
    }

    @Test
    void batchFilesGetARemStampWithTheirOwnLineEndings() throws Exception {
        Path bat = dir.resolve("start.bat");
        write(false, new FileReplacement.Planned(bat, "@echo off\r\necho hi\r\n"));

        String text = Files.readString(bat);
        assertThat(text).startsWith("@echo off\r\necho hi\r\nrem written by aitk-launcher, sha256 ").endsWith("\r\n");
        assertThat(text.replace("\r\n", "")).doesNotContain("\n");
        assertThat(FileReplacement.isUsers(bat)).isFalse();
        Files.writeString(bat, text.replace("\r\n", "\n"));
        assertThat(FileReplacement.isUsers(bat)).as("an editor changed the line endings").isTrue();
    }

    @Test
    void aStampBroughtAlongFromAnEarlierFileIsReplacedNotRepeated() throws Exception {
        Path config = dir.resolve("a.yaml");
        write(false, new FileReplacement.Planned(config, "a: 1\n"));
        String renderedFromIt = Files.readString(config).replace("a: 1", "a: 2");

        write(false, new FileReplacement.Planned(config, renderedFromIt));

        assertThat(Files.readString(config).lines().filter(l -> l.contains("written by aitk-launcher"))).hasSize(1);
        assertThat(FileReplacement.isUsers(config)).isFalse();
    }
}
