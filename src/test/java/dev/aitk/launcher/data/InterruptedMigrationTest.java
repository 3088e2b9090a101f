package dev.aitk.launcher.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a migration running in its own JVM (SIGKILL: no shutdown hooks, the worst case) while it writes, then checks
 * that every file under a final name is complete and byte-identical to an uninterrupted migration's, and that a
 * re-run finishes the job and cleans the temp files up.
 */
class InterruptedMigrationTest {
    private static final int PAIRS = 120;

    @TempDir
    Path tmp;

    @Test
    void aKilledRunLeavesNoPartialFileUnderAFinalNameAndTheRerunCompletes() throws Exception {
        InpaintingDataset one = InpaintingDataset.in(tmp.resolve("one")).pair("p000", "png", 256, 256);
        Path reference = tmp.resolve("reference");
        assertThat(CliRun.in(tmp).run(args(one, reference)).exitCode()).isZero();
        // Every pair below is a copy of this one, so every output file must equal the reference's p000 file.
        InpaintingDataset data = InpaintingDataset.in(tmp.resolve("src")).pair("p000", "png", 256, 256);
        for (int i = 1; i < PAIRS; i++) {
            String name = String.format("p%03d", i);
            Files.copy(data.targets.resolve("p000.png"), data.targets.resolve(name + ".png"));
            Files.copy(data.masked.resolve("p000.png"), data.masked.resolve(name + ".png"));
            Files.copy(data.masks.resolve("p000.png"), data.masks.resolve(name + ".png"));
        }

        Path out = tmp.resolve("out");
        Path inpaint = out.resolve("inpaint");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", classPath, "dev.aitk.launcher.cli.Main"));
        command.addAll(List.of(args(data, out)));
        command.addAll(List.of("--jobs", "1"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count(inpaint) < 10 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(child.isAlive()).as("the migration must still be running when it is killed: %s",
                Files.exists(tmp.resolve("child.log")) ? Files.readString(tmp.resolve("child.log")) : "").isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(count(inpaint)).isLessThan(PAIRS);

        for (Path dir : List.of(out.resolve("images"), inpaint)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                    Path same = referenceFor(reference, out.relativize(f));
                    assertThat(Files.readAllBytes(f)).as("%s is complete", f).isEqualTo(Files.readAllBytes(same));
                }
            }
        }

        CliRun.Result rerun = CliRun.in(tmp).run(args(data, out));

        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(InpaintingDataset.fingerprint(out).keySet().stream().filter(k -> k.endsWith(".tmp"))).isEmpty();
        try (Stream<Path> files = Files.list(inpaint)) {
            for (Path f : files.toList()) {
                assertThat(Files.readAllBytes(f)).isEqualTo(Files.readAllBytes(referenceFor(reference, out.relativize(f))));
            }
        }
        assertThat(count(inpaint)).isEqualTo(PAIRS);
    }

    private static Path referenceFor(Path reference, Path relative) {
        String name = relative.getFileName().toString();
        return reference.resolve(relative).resolveSibling("p000" + name.substring(name.lastIndexOf('.')));
    }

    private static String[] args(InpaintingDataset data, Path out) {
        return new String[] {"migrate-data", "--targets", data.targets.toString(), "--masked", data.masked.toString(),
            "--masks", data.masks.toString(), "--output", out.toString(), "--layout", "flex2"};
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).count();
        }
    }

}
