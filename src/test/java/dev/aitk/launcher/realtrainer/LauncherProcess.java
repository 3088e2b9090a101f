package dev.aitk.launcher.realtrainer;

import dev.aitk.launcher.hub.FakeHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The launcher as a user runs it: the jar {@code mvn package} built, in a JVM of its own, with the real-trainer
 * venv's shims on PYTHONPATH, the fake Hub as HF_ENDPOINT and a Hugging Face cache of the test's own. SIGINT is
 * reset to its default before the JVM starts, as in an interactive terminal: a JVM started in the background by
 * a non-interactive shell (a CI runner, {@code mvn ... &}) inherits SIGINT ignored and would never see Ctrl+C.
 * stdout and stderr go to files in {@code dir}.
 */
public final class LauncherProcess {
    static final Path BUILT_JAR = Path.of("target", "aitk-launcher.jar").toAbsolutePath();
    private static final String SIGINT_THEN_EXEC =
            "import os, signal, sys; signal.signal(signal.SIGINT, getattr(signal, sys.argv[1])); os.execvp(sys.argv[2], sys.argv[2:])";

    private final RealTrainerKit kit;
    private final Path dir;
    private final FakeHub hub;
    private final java.util.Map<String, String> extraEnvironment;

    public LauncherProcess(RealTrainerKit kit, Path dir, FakeHub hub) {
        this(kit, dir, hub, java.util.Map.of());
    }

    private LauncherProcess(RealTrainerKit kit, Path dir, FakeHub hub, java.util.Map<String, String> extraEnvironment) {
        this.kit = kit;
        this.dir = dir;
        this.hub = hub;
        this.extraEnvironment = java.util.Map.copyOf(extraEnvironment);
    }

    /** The same launcher with these variables set too (replacing the kit's, e.g. a longer PYTHONPATH). */
    public LauncherProcess withEnvironment(java.util.Map<String, String> variables) {
        java.util.Map<String, String> all = new java.util.HashMap<>(extraEnvironment);
        all.putAll(variables);
        return new LauncherProcess(kit, dir, hub, all);
    }

    /** The Hugging Face cache this launcher prefetches into and run.py reads from. */
    public Path hfHome() {
        return dir.resolve("hf");
    }

    /** Starts {@code aitk-launcher args...}; {@code label} names its output files (label.out, label.err). */
    public Process start(String label, List<String> args) {
        return start(label, args, false);
    }

    /**
     * The same, but the launcher starts with SIGINT ignored, as a background job of a non-interactive shell does
     * ({@code start_training.sh &}, nohup, batch schedulers): only SIGTERM can stop it.
     */
    public Process startWithSigintIgnored(String label, List<String> args) {
        return start(label, args, true);
    }

    private Process start(String label, List<String> args, boolean sigintIgnored) {
        if (!Files.isRegularFile(BUILT_JAR)) {
            throw new AssertionError(BUILT_JAR + " is missing: the real-trainer ITs run in `mvn verify`, after package");
        }
        List<String> command = new ArrayList<>(List.of(kit.python().toString(), "-c", SIGINT_THEN_EXEC,
                sigintIgnored ? "SIG_IGN" : "SIG_DFL",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", BUILT_JAR.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out(label).toFile()).redirectError(err(label).toFile());
        pb.environment().putAll(kit.environment(null));
        pb.environment().put("HF_HOME", hfHome().toString());
        pb.environment().put("HF_ENDPOINT", hub.endpoint());
        pb.environment().remove("HF_HUB_OFFLINE");
        pb.environment().remove("HF_HUB_CACHE");
        pb.environment().remove("HF_TOKEN");
        pb.environment().remove("CUDA_VISIBLE_DEVICES");
        pb.environment().putAll(extraEnvironment);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code aitk-launcher args...} to its end (at most {@code timeoutSeconds}) and returns its exit code. */
    public int run(String label, long timeoutSeconds, List<String> args) throws InterruptedException {
        long began = System.nanoTime();
        Process p = start(label, args);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("aitk-launcher " + String.join(" ", args) + " ran over " + timeoutSeconds
                    + " s; its output:\n" + text(label));
        }
        // For docs/benchmarks.md: the failsafe report's -output.txt keeps one line per launcher run.
        System.out.printf("real-trainer timing: %s took %.1f s (exit %d)%n", label, (System.nanoTime() - began) / 1e9,
                p.exitValue());
        return p.exitValue();
    }

    public Path out(String label) {
        return dir.resolve(label + ".out");
    }

    public Path err(String label) {
        return dir.resolve(label + ".err");
    }

    /** stdout then stderr of a run, for assertion messages. */
    public String text(String label) {
        return read(out(label)) + "\n--- stderr ---\n" + read(err(label));
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves every file of {@code modelFolder} (a diffusers layout) as the Hub repository {@code repoId}. */
    public static void serve(FakeHub hub, String repoId, Path modelFolder) {
        FakeHub.Repo repo = hub.repo(repoId);
        try (Stream<Path> files = Files.walk(modelFolder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = modelFolder.relativize(f).toString().replace('\\', '/');
                repo.file(name, FakeHub.Content.of(Files.readAllBytes(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
