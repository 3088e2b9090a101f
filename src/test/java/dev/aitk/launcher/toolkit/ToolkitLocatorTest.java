package dev.aitk.launcher.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One locator for the dry run and the real run: what a dry run shows ({@code python()}, the problems as notes)
 * is what a real run starts ({@code require()}), or the real run refuses with the same sentence.
 */
class ToolkitLocatorTest {
    @TempDir
    Path tmp;

    private Path toolkit() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("ai-toolkit"));
        Files.writeString(root.resolve("run.py"), "print('run')\n");
        return root;
    }

    private static Path program(Path file, boolean executable) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return file;
    }

    private Environment posix(Path bin) {
        return Environment.of(Map.of("PATH", bin.toString()), tmp, tmp);
    }

    @Test
    void onWindowsPythonOnPathWinsOverTheStoresPython3() throws IOException {
        Path root = toolkit();
        Path bin = tmp.resolve("bin");
        Path python = program(bin.resolve("python.exe"), true);
        program(bin.resolve("python3.exe"), true);
        Environment windows = new Environment(Map.of("PATH", bin.toString(), "PATHEXT", ".EXE"), "Windows 11", tmp, tmp);

        ToolkitLocation location = new ToolkitLocator(windows).locate(root, null);

        assertThat(location.python()).isEqualTo(python.toString());
        assertThat(location.require().python()).isEqualTo(python);
        assertThat(location.notes()).singleElement().asString().contains("no venv in").contains("python.exe");
    }

    @Test
    void onWindowsTheVenvsPythonExeIsUsedAsIs() throws IOException {
        Path root = toolkit();
        Path venvPython = program(root.resolve("venv/Scripts/python.exe"), false);
        Environment windows = new Environment(Map.of("PATH", ""), "Windows 11", tmp, tmp);

        ToolkitLocation location = new ToolkitLocator(windows).locate(root, null);

        assertThat(location.problems()).isEmpty();
        assertThat(location.require().python()).isEqualTo(venvPython);
    }

    @Test
    void aVenvPythonThatIsNotExecutableIsAProblemNotASilentFallbackToPath() throws IOException {
        Path root = toolkit();
        Path venvPython = program(root.resolve("venv/bin/python"), false);
        Path bin = tmp.resolve("bin");
        program(bin.resolve("python3"), true);

        ToolkitLocation location = new ToolkitLocator(posix(bin)).locate(root, null);

        assertThat(location.python()).as("the dry run shows the venv's python").isEqualTo(venvPython.toString());
        assertThat(location.problems()).singleElement().asString()
                .isEqualTo("the toolkit's venv interpreter " + venvPython + " is not executable; run chmod +x "
                        + venvPython + " or recreate the venv, or pass --python");
        assertThatThrownBy(location::require).isInstanceOf(LauncherException.class)
                .hasMessage(location.problems().get(0))
                .extracting(e -> ((LauncherException) e).exitCode().code()).isEqualTo(7);
    }

    @Test
    void aVenvLinkToAPythonThatIsGoneIsAProblem() throws IOException {
        Path root = toolkit();
        Path link = root.resolve(".venv/bin/python");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, tmp.resolve("no-such-python3.11"));

        ToolkitLocation location = new ToolkitLocator(posix(tmp)).locate(root, null);

        assertThat(location.problems()).singleElement().asString().contains(".venv interpreter")
                .contains("a link to a Python that is gone");
    }

    @Test
    void aBarePythonIsLookedUpOnPathAndShownAsTheFileThatWillRun() throws IOException {
        Path root = toolkit();
        Path bin = tmp.resolve("bin");
        Path python311 = program(bin.resolve("python3.11"), true);

        ToolkitLocation found = new ToolkitLocator(posix(bin)).locate(root, "python3.11");
        ToolkitLocation missing = new ToolkitLocator(posix(bin)).locate(root, "python3.12");

        assertThat(found.python()).isEqualTo(python311.toString());
        assertThat(found.require().python()).isEqualTo(python311);
        assertThat(found.require().pythonSource()).isEqualTo("--python");
        assertThat(missing.problems()).singleElement().asString()
                .startsWith("the interpreter python3.12 given with --python is not an executable file on PATH; ");
        assertThatThrownBy(missing::require).hasMessageContaining("python3.12");
    }

    @Test
    void aRelativePythonIsMadeAbsoluteFromTheLaunchersFolderNotTheToolkits() throws IOException {
        Path root = toolkit();
        Path mine = program(tmp.resolve("envs/train/bin/python"), true);

        ToolkitLocation location = new ToolkitLocator(posix(tmp)).locate(root, "envs/train/bin/python");

        assertThat(location.python()).isEqualTo(mine.toString());
    }

    @Test
    void withoutAToolkitTheDryRunShowsThePlaceholderAndTheRealRunRefuses() {
        ToolkitLocation location = new ToolkitLocator(posix(tmp)).locate(null, null);

        assertThat(location.directory()).isEqualTo("<AITK_HOME>");
        assertThat(location.python()).isEqualTo("<AITK_HOME>/venv/bin/python");
        assertThatThrownBy(location::require).hasMessageStartingWith("ai-toolkit's location is not known; ");
    }
}
