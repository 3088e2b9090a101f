package dev.aitk.launcher.realtrainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real ai-toolkit, ready to run on CPU, for tests: {@code RealTrainerKit kit = RealTrainerKit.get();}.
 *
 * <p>Finds the real-trainer kit ({@code AITK_TEST_KIT}, else {@code ../shared/real-trainer} beside the project),
 * runs {@code src/test/realtrainer/setup-real-trainer.sh} once per JVM (a venv and the tiny models under a cache
 * folder outside the clone; seconds when already built, about two minutes from nothing) and hands out its paths.
 * Without a kit the calling test is skipped with one line saying why, unless {@code AITK_CI} is set: CI must run
 * these tests, so there a missing kit fails. A kit whose set-up fails always fails the test, never skips it.
 */
public final class RealTrainerKit {
    /** The venv's python needs the import shims (an empty torchaudio, torchvision's op schemas) on this path. */
    public static final String PYTHONPATH = "PYTHONPATH";
    private static final String SETUP_SCRIPT = "src/test/realtrainer/setup-real-trainer.sh";
    private static final String RESULT_PREFIX = "AITK_REAL_TRAINER ";
    private static final long SETUP_TIMEOUT_MINUTES = 20;

    private static Outcome outcome;

    private final Path kitDir;
    private final Path toolkitDir;
    private final Path python;
    private final Path shimDir;
    private final Path modelsDir;
    private final List<String> models;

    private RealTrainerKit(Path kitDir, JsonNode paths) {
        this.kitDir = kitDir;
        this.toolkitDir = Path.of(paths.path("toolkitDir").asText());
        this.python = Path.of(paths.path("python").asText());
        this.shimDir = Path.of(paths.path("shimDir").asText());
        this.modelsDir = Path.of(paths.path("modelsDir").asText());
        List<String> names = new ArrayList<>();
        paths.path("models").forEach(n -> names.add(n.asText()));
        this.models = List.copyOf(names);
    }

    /**
     * The kit, set up. Skips the calling test (one line, why) when there is no kit and {@code AITK_CI} is unset;
     * throws {@link AssertionError} when the kit exists but its set-up failed (the set-up's last output lines in
     * the message), and on every later call in this JVM too, without running the set-up again.
     */
    public static synchronized RealTrainerKit get() {
        if (outcome == null) {
            outcome = setUp();
        }
        if (outcome.skipReason != null) {
            if (System.getenv("AITK_CI") != null) {
                throw new AssertionError(outcome.skipReason + " (AITK_CI is set: CI must run the real-trainer tests)");
            }
            Assumptions.abort(outcome.skipReason);
        }
        if (outcome.failure != null) {
            throw new AssertionError(outcome.failure);
        }
        return outcome.kit;
    }

    /** Where the kit is looked for, in order: {@code AITK_TEST_KIT}, then {@code ../shared/real-trainer}. */
    static Path kitLocation() {
        String fromEnv = System.getenv("AITK_TEST_KIT");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        return Path.of("..", "shared", "real-trainer").toAbsolutePath().normalize();
    }

    private static Outcome setUp() {
        Path kit = kitLocation();
        if (!Files.isDirectory(kit)) {
            return Outcome.skip("real-trainer tests skipped: no kit at " + kit
                    + " (set AITK_TEST_KIT to a folder with ai-toolkit-*.tar.gz and wheels/)");
        }
        Path log;
        try {
            Files.createDirectories(Path.of("target"));
            log = Files.createTempFile(Path.of("target").toAbsolutePath(), "real-trainer-setup-", ".log");
        } catch (IOException e) {
            return Outcome.fail("cannot write the set-up log under target/: " + e.getMessage());
        }
        try {
            Process p = new ProcessBuilder("bash", SETUP_SCRIPT, kit.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(SETUP_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return Outcome.fail(SETUP_SCRIPT + " did not finish in " + SETUP_TIMEOUT_MINUTES + " minutes; its output: "
                        + log);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            if (p.exitValue() != 0 || !last.startsWith(RESULT_PREFIX)) {
                return Outcome.fail(SETUP_SCRIPT + " " + kit + " failed (exit " + p.exitValue() + "); its output ("
                        + log + ") ends:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
            JsonNode paths = new ObjectMapper().readTree(last.substring(RESULT_PREFIX.length()));
            return Outcome.ready(new RealTrainerKit(kit, paths));
        } catch (IOException e) {
            return Outcome.fail("cannot run " + SETUP_SCRIPT + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.fail("interrupted while " + SETUP_SCRIPT + " ran");
        }
    }

    /** The kit folder the set-up was built from. */
    public Path kitDir() {
        return kitDir;
    }

    /** The extracted ai-toolkit: {@code run.py} is in it. Shared by every test: never write into it. */
    public Path toolkitDir() {
        return toolkitDir;
    }

    /** The venv's python (torch CPU, diffusers, transformers...). Run it with {@link #environment()}. */
    public Path python() {
        return python;
    }

    /** The folder with the import shims; it must be on PYTHONPATH of every python the venv runs. */
    public Path shimDir() {
        return shimDir;
    }

    /** The names {@link #model} knows: {@code flux-dev}, {@code flux-kontext}, {@code flex2}. */
    public List<String> models() {
        return models;
    }

    /**
     * A tiny model's folder in diffusers layout ({@code model_index.json}, transformer/, vae/, text_encoder/,
     * text_encoder_2/, tokenizer/, tokenizer_2/, scheduler/). Shared: copy it before changing anything in it.
     */
    public Path model(String name) {
        if (!models.contains(name)) {
            throw new IllegalArgumentException("no tiny model '" + name + "'; the kit has " + models);
        }
        return modelsDir.resolve(name);
    }

    /**
     * What a process running the venv's python needs in its environment: PYTHONPATH with the shim folder first
     * (before {@code existingPythonPath}, when not null), so {@code import torchvision} works, and
     * NO_ALBUMENTATIONS_UPDATE=1, so importing ai-toolkit makes no network request.
     */
    public Map<String, String> environment(String existingPythonPath) {
        Map<String, String> env = new HashMap<>();
        env.put(PYTHONPATH, existingPythonPath == null || existingPythonPath.isEmpty()
                ? shimDir.toString() : shimDir + java.io.File.pathSeparator + existingPythonPath);
        // albumentations (imported by ai-toolkit) asks the network for its newest version unless told not to.
        env.put("NO_ALBUMENTATIONS_UPDATE", "1");
        return env;
    }

    /** {@link #environment(String)} with no PYTHONPATH before. */
    public Map<String, String> environment() {
        return environment(null);
    }

    /**
     * Runs the venv's python with {@code args} in {@code workDir}, with the shims on PYTHONPATH and, for the
     * child, HF_HUB_OFFLINE=1 (nothing here may reach the network); output to {@code log}. Waits at most
     * {@code timeoutSeconds}; returns the exit code, or -1 when it was killed for running too long.
     */
    public int runPython(Path workDir, Path log, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment(pb.environment().get(PYTHONPATH)));
        pb.environment().put("HF_HUB_OFFLINE", "1");
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private record Outcome(RealTrainerKit kit, String skipReason, String failure) {
        static Outcome ready(RealTrainerKit kit) {
            return new Outcome(kit, null, null);
        }

        static Outcome skip(String why) {
            return new Outcome(null, why, null);
        }

        static Outcome fail(String why) {
            return new Outcome(null, null, why);
        }
    }
}
