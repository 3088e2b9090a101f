package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * launchers/aitk-launcher end to end in a real bash, against the jar `mvn package` just built (this runs in
 * the verify phase, after package). Each test gets its own copy of the repository layout, so the
 * class-data archive the script makes lands in a temp dir.
 */
class LauncherScriptIT {
    private static final Path BUILT_JAR = Path.of("target", "aitk-launcher.jar").toAbsolutePath();
    private static final Path SCRIPT = Path.of("launchers", "aitk-launcher").toAbsolutePath();

    @TempDir
    Path repo;
    private Path target;

    @BeforeEach
    void copyLayout() throws IOException {
        assumeTrue(Files.isRegularFile(BUILT_JAR), "target/aitk-launcher.jar is not built (run mvn verify)");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        Path launchers = Files.createDirectories(repo.resolve("launchers"));
        Files.copy(SCRIPT, launchers.resolve("aitk-launcher"));
        Files.setPosixFilePermissions(launchers.resolve("aitk-launcher"), PosixFilePermissions.fromString("rwxr-xr-x"));
        target = Files.createDirectories(repo.resolve("target"));
        Files.copy(BUILT_JAR, target.resolve("aitk-launcher.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    @Test
    void versionRunsAndTheSecondRunUsesTheArchiveTheFirstMade() throws Exception {
        Run first = launcher(Map.of(), "--version");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("aitk-launcher ").contains(" on Java ");
        assertThat(first.err()).isEmpty();
        assertThat(archives()).hasSize(1);
        assertThat(leftovers()).isEmpty();

        // -Xshare:on makes the JVM refuse to start unless the archive maps and matches the jar.
        Run second = launcher(Map.of("AITK_LAUNCHER_JAVA_OPTS", "-Xshare:on"), "--version");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());

        // A rebuilt jar (newer than the archive) gets a fresh archive that matches it.
        Path archive = archives().get(0);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.setLastModifiedTime(target.resolve("aitk-launcher.jar"), FileTime.from(Instant.now().minusSeconds(60)));
        Run third = launcher(Map.of("AITK_LAUNCHER_JAVA_OPTS", "-Xshare:on"), "--version");
        assertThat(third.exitCode()).as(third.err()).isZero();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(FileTime.from(Instant.now().minusSeconds(600)));
    }

    @Test
    void exitCodesAndStreamsPassThrough() throws Exception {
        Run json = launcher(Map.of("AITK_LAUNCHER_CDS", "off"), "detect", "--gpu-memory", "80GB", "--gpus", "2", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).startsWith("{").contains("\"gpuSource\" : \"FLAGS\"");
        assertThat(json.err()).isEmpty();

        Run bad = launcher(Map.of("AITK_LAUNCHER_CDS", "off"), "detect", "--gpu-memory", "80XB", "--gpus", "2");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("80GB, 80G, 24gb, 81559MiB");
    }

    @Test
    void twoFirstRunsRacingBothSucceedAndLeaveOneArchive() throws Exception {
        Process a = start(Map.of(), "--version");
        Process b = start(Map.of(), "--version");

        assertThat(finish(a).exitCode()).isZero();
        assertThat(finish(b).exitCode()).isZero();
        assertThat(archives()).hasSize(1);
        assertThat(leftovers()).isEmpty();
        assertThat(launcher(Map.of("AITK_LAUNCHER_JAVA_OPTS", "-Xshare:on"), "--version").exitCode()).isZero();
    }

    @Test
    void cdsOffMakesNoArchive() throws Exception {
        Run r = launcher(Map.of("AITK_LAUNCHER_CDS", "off"), "--version");

        assertThat(r.exitCode()).isZero();
        assertThat(archives()).isEmpty();
    }

    @Test
    void aJavaThatCannotDumpAnArchiveStillRunsTheCommand() throws Exception {
        Path fakeJavaHome = Files.createDirectories(repo.resolve("jdk/bin"));
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Path java = fakeJavaHome.resolve("java");
        Path calls = repo.resolve("java-calls.txt");
        Files.writeString(java, "#!/bin/sh\n"
                + "echo \"$*\" >> \"" + calls + "\"\n"
                + "case \"$*\" in *Xshare:dump*) echo 'dump refused' >&2; exit 1;; esac\n"
                + "exec \"" + realJava + "\" \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run r = launcher(Map.of("JAVA_HOME", repo.resolve("jdk").toString()), "--version");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("aitk-launcher ");
        assertThat(archives()).isEmpty();
        assertThat(leftovers()).isEmpty();
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".jsa.failed"));
        }
        assertThat(Files.readAllLines(calls)).hasSize(3);

        // The failure is remembered: the next run goes straight to the command.
        Run again = launcher(Map.of("JAVA_HOME", repo.resolve("jdk").toString()), "--version");
        assertThat(again.exitCode()).isZero();
        assertThat(Files.readAllLines(calls)).hasSize(4).last().asString().endsWith("--version").doesNotContain("Xshare:dump");
    }

    @Test
    void aMissingJarWithoutMavenSaysWhatToInstall() throws Exception {
        Files.delete(target.resolve("aitk-launcher.jar"));
        Path bin = Files.createDirectories(repo.resolve("bin-without-mvn"));
        Files.copy(Path.of("/usr/bin/dirname"), bin.resolve("dirname"), StandardCopyOption.COPY_ATTRIBUTES);

        Run r = launcher(Map.of("PATH", bin.toString()), "--version");

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.err()).contains("is missing and Maven (mvn) is not installed");
    }

    @Test
    void theReadmesSpellingWorksFromPathAndThroughALinkOnPath() throws Exception {
        Path elsewhere = Files.createDirectories(repo.resolve("somewhere else"));
        String path = repo.resolve("launchers") + ":" + System.getenv("PATH");
        Run onPath = launcher(elsewhere, Map.of("PATH", path, "AITK_LAUNCHER_CDS", "off"),
                List.of("/bin/bash", "-c", "aitk-launcher launch --gpu-memory 80GB --gpus 2 --dry-run"));
        assertThat(onPath.exitCode()).as(onPath.err()).isZero();
        assertThat(onPath.out()).contains("Dry run: nothing was started.");
        assertThat(elsewhere.resolve("output")).isDirectory();

        Path bin = Files.createDirectories(repo.resolve("home/.local/bin"));
        Files.createSymbolicLink(bin.resolve("aitk-launcher"), repo.resolve("launchers/aitk-launcher"));
        Run linked = launcher(elsewhere, Map.of("PATH", bin + ":" + System.getenv("PATH"), "AITK_LAUNCHER_CDS", "off"),
                List.of("/bin/bash", "-c", "aitk-launcher --version"));
        assertThat(linked.exitCode()).as(linked.err()).isZero();
        assertThat(linked.out()).startsWith("aitk-launcher ");
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    /** Temp archives and class lists that a finished run should have renamed or removed. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(".*(\\.tmp|\\.classlist\\.\\d+)$")).toList();
        }
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run launcher(Map<String, String> env, String... args) throws Exception {
        return finish(start(env, args));
    }

    private int started;

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/bash", repo.resolve("launchers/aitk-launcher").toString()));
        command.addAll(List.of(args));
        return start(repo, env, command);
    }

    private Run launcher(Path cwd, Map<String, String> env, List<String> command) throws Exception {
        return finish(start(cwd, env, command));
    }

    private Process start(Path cwd, Map<String, String> env, List<String> command) throws IOException {
        int n = started++;
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectOutput(repo.resolve("out" + n + ".txt").toFile())
                .redirectError(repo.resolve("err" + n + ".txt").toFile());
        Map<String, String> environment = new HashMap<>(pb.environment());
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.remove("AITK_LAUNCHER_CDS");
        environment.remove("AITK_LAUNCHER_JAVA_OPTS");
        environment.putAll(env);
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        processes.put(p, n);
        return p;
    }

    private final Map<Process, Integer> processes = new HashMap<>();

    private Run finish(Process p) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        int n = processes.get(p);
        return new Run(p.exitValue(), Files.readString(repo.resolve("out" + n + ".txt"), StandardCharsets.UTF_8),
                Files.readString(repo.resolve("err" + n + ".txt"), StandardCharsets.UTF_8));
    }
}
