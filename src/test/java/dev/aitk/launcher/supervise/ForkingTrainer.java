package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * src/test/resources/fork-workers/run.py under the supervisor: a trainer whose forked children (a Pool, a
 * worker process, DataLoader workers with torch) are terminated with SIGTERM before it saves and exits 0.
 * Each run is a fresh supervised run (new process group, new shim), so a race shows up as a share of runs.
 */
public final class ForkingTrainer {
    private final Path dir;
    private final String python;
    private final Map<String, String> environment;

    /** {@code environment}: the child's variables beside PATH (e.g. AITK_FORK_TORCH=1 and the venv's). */
    public ForkingTrainer(Path dir, String python, Map<String, String> environment) {
        this.dir = dir;
        this.python = python;
        this.environment = environment;
    }

    /** Runs the trainer {@code times} times, one supervised run each, and returns every record. */
    public List<RunRecord> run(int times) throws IOException {
        Path script = dir.resolve("fork-workers").resolve("run.py");
        Files.createDirectories(script.getParent());
        try (InputStream in = ForkingTrainer.class.getResourceAsStream("/fork-workers/run.py")) {
            Files.write(script, in.readAllBytes());
        }
        Environment launcher = FakeToolkit.launcherEnvironment(dir);
        List<RunRecord> records = new ArrayList<>();
        for (int i = 1; i <= times; i++) {
            Path out = dir.resolve("forked-" + i);
            Files.createDirectories(out);
            Map<String, String> env = new HashMap<>(environment);
            env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("PYTHONUNBUFFERED", "1");
            RunSpec spec = new RunSpec("forked", List.of(python, script.toString(), out.toString()),
                    script.getParent(), env, Map.of(), out, out.resolve("run.json"), out, null);
            Supervisor supervisor = new Supervisor(launcher, Clock.systemUTC(), SupervisorListener.SILENT);
            records.add(supervisor.run(spec, FakeToolkit.fastPolicy(), FakeToolkit.recovery(Replanner.none())));
        }
        return records;
    }

    /** "run 3: failed, KILLED (run.py was killed by signal 9)" for each run that did not succeed. */
    public static List<String> failures(List<RunRecord> records) {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            RunRecord r = records.get(i);
            if (!"succeeded".equals(r.status())) {
                AttemptRecord last = r.attempts().get(r.attempts().size() - 1);
                failed.add("run " + (i + 1) + ": " + r.status() + ", " + last.cause() + " (" + last.detail() + ")");
            }
        }
        return failed;
    }
}
