package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The workload launchers/aitk-launcher runs once per jar under -XX:ArchiveClassesAtExit, so the class-data
 * archive holds the classes the everyday commands load (picocli's model, Jackson, SnakeYAML, the planner).
 * It runs those commands in-process with flags that describe a machine, so nothing is probed or
 * downloaded, discards their output, and always exits 0: a command that fails still loaded its classes.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path scratch = Files.createTempDirectory("aitk-launcher-cds");
        try {
            PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
            Environment env = Environment.system();
            Services services = new Services(env.with("NO_COLOR", "1"), nowhere, nowhere, Clock.systemUTC(),
                    new ZtProcessRunner(), false);
            for (List<String> command : List.of(
                    List.of("--help"),
                    List.of("--version"),
                    List.of("detect", "--gpu-memory", "80GB", "--gpus", "2", "--json"),
                    List.of("detect", "--gpu-memory", "80GB", "--gpus", "2"),
                    List.of("plan", "--gpu-memory", "24GB", "--gpus", "1", "--json"),
                    List.of("plan", "--gpu-memory", "80GB", "--gpus", "2"),
                    List.of("launch", "--gpu-memory", "80GB", "--gpus", "2", "--dry-run", "--output",
                            scratch.resolve("launch").toString()))) {
                try {
                    Main.run(services, command.toArray(String[]::new));
                } catch (RuntimeException | LinkageError e) {
                    // Training only needs the classes loaded; a failing command has done that much.
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }
}
