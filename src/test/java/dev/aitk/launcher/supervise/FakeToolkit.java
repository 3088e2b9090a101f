package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * An ai-toolkit checkout in a temp folder with the run.py test double (src/test/resources/fake-aitk/run.py),
 * plus helpers to write configs and build the {@link RunSpec} the launch pipeline would.
 */
public final class FakeToolkit {
    public final Path root;
    public final Path runPy;
    public final Path output;
    public final String python;

    private FakeToolkit(Path root, String python) {
        this.root = root;
        this.runPy = root.resolve("run.py");
        this.output = root.resolve("output");
        this.python = python;
    }

    /** Skips the test (with the reason) where python3 is not there; the double needs nothing else. */
    public static FakeToolkit in(Path dir) throws IOException {
        Environment env = launcherEnvironment(dir);
        Optional<Path> python = Executables.find("python3", env);
        Assumptions.assumeTrue(python.isPresent(), "python3 is not on PATH; the run.py test double needs it");
        Path root = dir.resolve("ai-toolkit");
        Files.createDirectories(root);
        try (InputStream in = FakeToolkit.class.getResourceAsStream("/fake-aitk/run.py")) {
            Files.copy(in, root.resolve("run.py"), StandardCopyOption.REPLACE_EXISTING);
        }
        return new FakeToolkit(root, python.get().toString());
    }

    public static Environment launcherEnvironment(Path home) {
        return Environment.of(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), home, home);
    }

    /** Writes an ai-toolkit config (same name and training_folder every time, as a re-plan keeps them). */
    public Path config(String file, String name, int batchSize, int steps, int saveEvery) throws IOException {
        return config(file, name, batchSize, steps, saveEvery, true);
    }

    public Path config(String file, String name, int batchSize, int steps, int saveEvery, boolean quantize)
            throws IOException {
        String yaml = """
                job: extension
                config:
                  name: %s
                  process:
                    - type: sd_trainer
                      training_folder: %s
                      device: cuda:0
                      network: {type: lora, linear: 16, linear_alpha: 16}
                      save: {dtype: float16, save_every: %d, max_step_saves_to_keep: 4}
                      datasets:
                        - folder_path: /data/images
                          resolution: [512, 768, 1024]
                      train: {batch_size: %d, steps: %d, lr: 1e-4, optimizer: adamw8bit}
                      model: {name_or_path: black-forest-labs/FLUX.1-dev, is_flux: true, quantize: %s}
                meta: {name: "[name]", version: "1.0"}
                """.formatted(name, output.toString().replace("\\", "/"), saveEvery, batchSize, steps, quantize);
        Path path = root.resolve("config").resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, yaml);
        return path;
    }

    public RunSpec spec(String name, Path config, Map<String, String> knobs) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONUTF8", "1");
        env.putAll(knobs);
        Path dir = output.resolve(name);
        // PATH is the user's, passed on untouched (not recorded); the rest is what the launcher would set.
        return new RunSpec(name, List.of(python, runPy.toString(), config.toString()), root, env,
                Map.of("PATH", env.get("PATH")), dir,
                dir.resolve("run.json"), dir,
                Json.mapper().valueToTree(Map.of("config", config.getFileName().toString())));
    }

    public static RecoveryPolicy fastPolicy() {
        return new RecoveryPolicy(4, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMillis(10),
                Duration.ofSeconds(10));
    }

    /** The launcher's recovery with the fast policy's backoff, every fast-download switch and {@code replanner}. */
    public static Recovery recovery(Replanner replanner) {
        return new RecoveryDecision(fastPolicy().retryBackoff(), replanner, Map.of("HF_HUB_ENABLE_HF_TRANSFER", "0",
                "HF_XET_HIGH_PERFORMANCE", "0", "HF_HUB_DISABLE_XET", "1"));
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /** The pids the double wrote to FAKE_AITK_PID_FILE, once it exists: [main, worker]. */
    public static long[] awaitPids(Path pidFile, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(pidFile)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the run.py double never wrote " + pidFile);
            }
            Thread.sleep(20);
        }
        List<String> lines = Files.readAllLines(pidFile);
        return new long[] {Long.parseLong(lines.get(0).split(" ")[1]), Long.parseLong(lines.get(1).split(" ")[1])};
    }

    public static boolean awaitGone(long[] pids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean any = false;
            for (long pid : pids) {
                any |= alive(pid);
            }
            if (!any) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
