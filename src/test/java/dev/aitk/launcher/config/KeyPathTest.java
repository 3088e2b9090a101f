package dev.aitk.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import org.junit.jupiter.api.Test;

class KeyPathTest {

    @Test
    void relativePathsStartAtTheFirstProcess() {
        assertThat(KeyPath.parse("train.lr").absolute()).isEqualTo("config.process[0].train.lr");
        assertThat(KeyPath.parse("datasets[*].resolution").absolute()).isEqualTo("config.process[0].datasets[*].resolution");
        assertThat(KeyPath.parse("datasets[0].folder_path").absolute()).isEqualTo("config.process[0].datasets[0].folder_path");
    }

    @Test
    void rootKeysAreAbsolute() {
        assertThat(KeyPath.parse("config.name").absolute()).isEqualTo("config.name");
        assertThat(KeyPath.parse("config.process[1].train.lr").absolute()).isEqualTo("config.process[1].train.lr");
        assertThat(KeyPath.parse("meta.version").absolute()).isEqualTo("meta.version");
        assertThat(KeyPath.parse("job").absolute()).isEqualTo("job");
    }

    @Test
    void segmentsTellKeysFromIndices() {
        KeyPath p = KeyPath.parse("datasets[*].resolution");
        assertThat(p.segments()).extracting(Object::toString)
                .containsExactly("config", "process", "[0]", "datasets", "[*]", "resolution");
        assertThat(p.segments().get(4).everyEntry()).isTrue();
    }

    @Test
    void malformedPathsAreUsageErrorsShowingTheForm() {
        for (String bad : new String[] {"", "train..lr", "train.", "datasets[x].a", "train lr", "a[-1]"}) {
            assertThatThrownBy(() -> KeyPath.parse(bad))
                    .isInstanceOf(LauncherException.class)
                    .hasMessageContaining("write it like train.lr")
                    .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        }
    }
}
