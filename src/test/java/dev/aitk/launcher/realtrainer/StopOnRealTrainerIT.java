package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aitk.launcher.hub.FakeHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping {@code launch} while the real run.py trains with DataLoader workers: Ctrl+C (SIGINT to the launcher)
 * ends it the way ai-toolkit ends ("Job stopped"), exit 130, no process left, and the same command resumes from
 * the newest checkpoint; SIGKILL to the launcher leaves no process behind within 5 s.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class StopOnRealTrainerIT {
    private static final String REPO = "aitk-tests/tiny-flux-dev";
    private static final int STEPS = 20;

    @TempDir
    Path tmp;
    private FakeHub hub;
    private RealTrainerKit kit;
    private LauncherProcess launcher;
    private List<String> args;

    @BeforeEach
    void setUp() throws Exception {
        kit = RealTrainerKit.get();
        hub = new FakeHub();
        LauncherProcess.serve(hub, REPO, kit.model("flux-dev"));
        launcher = new LauncherProcess(kit, tmp, hub);
        TinyDataset data = TinyDataset.write(tmp.resolve("data"), 4);
        args = LaunchOnRealTrainerIT.launchArgs(kit, "dev", REPO, data.images(), tmp.resolve("out"), "tiny_stop", STEPS,
                "save.save_every=5", "save.max_step_saves_to_keep=3", "datasets[0].num_workers=2");
    }

    @AfterEach
    void stopHub() throws Exception {
        if (hub != null) { // null when the set-up skipped the test (no kit)
            hub.close();
        }
    }

    @Test
    void ctrlCStopsTheRealTrainerAndItsWorkersAndTheSameCommandResumes() throws Exception {
        Process first = launcher.start("first", args);
        Set<Long> tree = trainingTree(first, tmp.resolve("out/tiny_stop/tiny_stop_000000005.safetensors"));

        long began = System.nanoTime();
        signal("INT", first.pid());

        assertThat(first.waitFor(120, TimeUnit.SECONDS)).as(launcher.text("first")).isTrue();
        System.out.printf("real-trainer timing: SIGINT to launcher exit %.1f s%n", (System.nanoTime() - began) / 1e9);
        String firstText = launcher.text("first") + runLogs();
        assertThat(first.exitValue()).as(firstText).isEqualTo(130);
        assertThat(firstText).contains("Job stopped");
        assertThat(gone(tree, Duration.ofSeconds(5))).as("processes left after the stop: " + alive(tree)).isTrue();
        JsonNode stopped = record();
        assertThat(stopped.path("status").asText()).isEqualTo("interrupted");
        long stoppedAt = stopped.path("stepsDone").asLong();
        assertThat(stoppedAt).isBetween(5L, (long) STEPS - 1);

        int code = launcher.run("second", 480, args);

        String secondText = launcher.text("second") + runLogs();
        assertThat(code).as(secondText).isZero();
        assertThat(secondText).contains("RESUMING FROM").containsPattern("Found step \\d+ in metadata");
        JsonNode done = record();
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("stepsDone").asLong()).isEqualTo(STEPS);
        JsonNode last = done.path("attempts").get(done.path("attempts").size() - 1);
        assertThat(last.path("resumedFromStep").asLong()).as(done.toPrettyString()).isBetween(5L, stoppedAt);
        assertThat(SafetensorsFile.read(tmp.resolve("out/tiny_stop/tiny_stop.safetensors")).tensors()).isNotEmpty();
    }

    /**
     * A launcher started in the background by a non-interactive shell has SIGINT ignored, and so did run.py: the
     * launcher's SIGINT (sent on SIGTERM) was lost, the stop waited out its 30 s grace and ended run.py with
     * SIGTERM, without ai-toolkit's "Job stopped". The shim gives run.py its KeyboardInterrupt back.
     */
    @Test
    void aBackgroundLauncherWithSigintIgnoredStillStopsTheTrainerTheWayAiToolkitStops() throws Exception {
        Process p = launcher.startWithSigintIgnored("first", args);
        Set<Long> tree = trainingTree(p, tmp.resolve("out/tiny_stop/tiny_stop_000000005.safetensors"));

        long began = System.nanoTime();
        signal("TERM", p.pid());

        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        double seconds = (System.nanoTime() - began) / 1e9;
        String text = launcher.text("first") + runLogs();
        assertThat(p.exitValue()).as(text).isEqualTo(130);
        assertThat(text).contains("Job stopped").doesNotContain("did not stop after SIGINT");
        assertThat(seconds).as("seconds from SIGTERM to the launcher's exit (the grace period is 30)").isLessThan(25);
        assertThat(gone(tree, Duration.ofSeconds(5))).as("processes left after the stop: " + alive(tree)).isTrue();
    }

    @Test
    void sigkillToTheLauncherLeavesNoProcessWithinFiveSeconds() throws Exception {
        Process p = launcher.start("killed", args);
        Set<Long> tree = trainingTree(p, tmp.resolve("out/tiny_stop/tiny_stop_000000005.safetensors"));

        signal("KILL", p.pid());

        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gone(tree, Duration.ofSeconds(5))).as("processes left 5 s after SIGKILL: " + alive(tree)).isTrue();
    }

    /**
     * Waits until run.py has written {@code checkpoint} (so it trains, its DataLoader workers are up and there
     * is something to resume from), then returns the launcher's descendants: run.py and its workers.
     */
    private Set<Long> trainingTree(Process launcherProcess, Path checkpoint) throws Exception {
        long began = System.nanoTime();
        long deadline = began + TimeUnit.SECONDS.toNanos(300);
        while (!Files.exists(checkpoint)) {
            assertThat(launcherProcess.isAlive()).as("launch ended before training: " + launcher.text("first")).isTrue();
            assertThat(System.nanoTime()).as("no checkpoint within 300 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        System.out.printf("real-trainer timing: launch to %s %.1f s%n", checkpoint.getFileName(), (System.nanoTime() - began) / 1e9);
        Set<Long> tree = launcherProcess.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        // run.py plus the 2 DataLoader workers of datasets[0].num_workers (more when ai-toolkit starts others).
        assertThat(tree).as("run.py and its workers").hasSizeGreaterThanOrEqualTo(3);
        return tree;
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-s", name, Long.toString(pid)).start().waitFor()).isZero();
    }

    private static boolean gone(Set<Long> pids, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (alive(pids).isEmpty()) {
                return true;
            }
            Thread.sleep(100);
        }
        return alive(pids).isEmpty();
    }

    private static List<String> alive(Set<Long> pids) {
        return pids.stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream).filter(ProcessHandle::isAlive)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
    }

    private JsonNode record() throws Exception {
        return new ObjectMapper().readTree(tmp.resolve("out/tiny_stop/run.json").toFile());
    }

    /** The run.py output the launcher kept (log.txt and the rotated log.N.txt beside run.json). */
    private String runLogs() throws Exception {
        StringBuilder text = new StringBuilder();
        JsonNode rec = record();
        Path dir = Path.of(rec.path("logDirectory").asText(tmp.resolve("out/tiny_stop").toString()));
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("log(\\.\\d+)?\\.txt")).sorted().toList()) {
                text.append("\n--- ").append(f.getFileName()).append(" ---\n").append(Files.readString(f));
            }
        }
        return text.toString();
    }
}
