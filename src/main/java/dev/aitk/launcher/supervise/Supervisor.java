package dev.aitk.launcher.supervise;

import dev.aitk.launcher.toolkit.ChildEnvironment;
import dev.aitk.launcher.util.Redaction;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.AtomicFiles;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs run.py until it finishes: starts it in its own process group behind the parent-death shim, follows its
 * output, stops the whole tree cleanly when asked, detects stalls, and recovers (OOM: re-plan smaller and
 * resume; fast download failed: fast path off; network: back off) within an attempt budget. Writes run.json
 * after every attempt. Never prints: the listener hears everything.
 *
 * <p>The child is started with plain {@link ProcessBuilder} and {@code redirectErrorStream(true)} rather
 * than zt-exec: the supervisor needs the raw merged byte stream on its own reader thread (tqdm's {@code \r}
 * updates, bounded lines) and the child's pid for group signals, which a line-oriented pump would hide.
 * Children are started from the thread that calls {@link #run}, which lives for the whole attempt: Linux
 * ties the parent-death signal to the thread that forked the child.
 */
public final class Supervisor {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_LINE_BYTES = 16 * 1024;
    private static final int SMALL_READ_BYTES = 8 * 1024;
    private static final long COALESCE_MILLIS = 2;
    private static final long POLL_MILLIS = 200;
    private static final Duration TERM_WAIT = Duration.ofSeconds(5);
    private static final Pattern CHECKPOINT_STEP = Pattern.compile("_(\\d{9})\\.safetensors$");

    private final Environment launcherEnvironment;
    private final Clock clock;
    private final SupervisorListener listener;
    private final AtomicInteger stopRequests = new AtomicInteger();
    private volatile String stopReason;
    private volatile boolean active;
    private volatile List<String> lastChildCommand = List.of();

    /** {@code launcherEnvironment} is the launcher's own (PATH for setsid and kill, the OS). */
    public Supervisor(Environment launcherEnvironment, Clock clock, SupervisorListener listener) {
        this.launcherEnvironment = launcherEnvironment;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Asks the running attempt to stop: SIGINT to its group, the grace period (longer while a checkpoint is
     * being written), SIGTERM, then SIGKILL. A second call skips what is left of the waiting. Thread-safe;
     * a signal handler calls it.
     */
    public void requestStop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        stopRequests.incrementAndGet();
    }

    public boolean stopRequested() {
        return stopRequests.get() > 0;
    }

    /** Waits until no run is in progress (for a shutdown hook that must not let the JVM exit too early). */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Runs {@code first} to the end and returns the record also written to {@code first.recordFile()}. */
    public RunRecord run(RunSpec first, RecoveryPolicy policy, Replanner replanner) {
        active = true;
        try {
            return runAttempts(first, policy, replanner);
        } finally {
            active = false;
        }
    }

    private RunRecord runAttempts(RunSpec first, RecoveryPolicy policy, Replanner replanner) {
        String startedAt = clock.instant().toString();
        List<AttemptRecord> attempts = new ArrayList<>();
        RunSpec spec = first;
        String startReason = "first start";
        Map<String, String> changes = Map.of();
        int waits = 0;
        for (int n = 1; ; n++) {
            if (stopRequested()) {
                return finish(first, spec, attempts, startedAt, ExitCode.INTERRUPTED, FailureKind.INTERRUPTED,
                        "stopped before attempt " + n + " started (" + stopReason + ")");
            }
            listener.attemptStarting(n, policy.maxAttempts(), spec, startReason);
            AttemptRecord attempt = runAttempt(n, spec, policy, startReason, changes, attempts);
            attempts.add(attempt);
            listener.attemptEnded(attempt);
            if (attempt.succeeded()) {
                return finish(first, spec, attempts, startedAt, ExitCode.OK, null, "training finished");
            }
            FailureKind cause = attempt.cause();
            if (cause == FailureKind.INTERRUPTED) {
                return finish(first, spec, attempts, startedAt, ExitCode.INTERRUPTED, cause,
                        "stopped (" + (stopReason == null ? "run.py received SIGINT" : stopReason)
                                + "); run the same command again to resume from the newest checkpoint");
            }
            if (n >= policy.maxAttempts()) {
                return finish(first, spec, attempts, startedAt, cause.exitCode(), cause, cause.title() + " on attempt "
                        + n + " of " + n + ", the last the budget allows (" + detailOf(attempt) + ")");
            }
            Next next;
            try {
                next = recover(spec, attempt, policy, replanner, waits);
            } catch (LauncherException e) {
                return finish(first, spec, attempts, startedAt, e.exitCode(), cause, e.getMessage());
            }
            if (next == null) {
                String why = cause.recovery() == FailureKind.Recovery.NONE
                        ? cause.title() + " (" + detailOf(attempt) + ")"
                        : cause.title() + " and " + noRecoveryReason(cause) + " (" + detailOf(attempt) + ")";
                return finish(first, spec, attempts, startedAt, cause.exitCode(), cause, why);
            }
            attempts.set(attempts.size() - 1, attempt.withNextAction(next.reason()));
            writeRecord(first, spec, attempts, startedAt, "running", ExitCode.OK, null, "attempt " + n + " failed; "
                    + next.reason());
            listener.note(next.reason());
            if (!next.delay().isZero()) {
                waits++;
                if (!sleepUnlessStopped(next.delay())) {
                    return finish(first, spec, attempts, startedAt, ExitCode.INTERRUPTED, FailureKind.INTERRUPTED,
                            "stopped while waiting to retry (" + stopReason + ")");
                }
            }
            changes = diff(spec.environment(), next.spec().environment());
            spec = next.spec();
            startReason = next.reason();
        }
    }

    private record Next(RunSpec spec, String reason, Duration delay) {
    }

    private static String noRecoveryReason(FailureKind cause) {
        return switch (cause.recovery()) {
            case REPLAN_SMALLER -> "no smaller plan is available";
            case FAST_PATH_OFF -> "the fast download path was already off";
            default -> "it cannot be retried";
        };
    }

    private Next recover(RunSpec spec, AttemptRecord attempt, RecoveryPolicy policy, Replanner replanner, int waits) {
        FailureKind cause = attempt.cause();
        switch (cause.recovery()) {
            case REPLAN_SMALLER: {
                Optional<Replanner.Replan> replan = replanner.afterOutOfMemory(spec, attempt);
                return replan.map(r -> new Next(r.spec(), "out of GPU memory: re-planned smaller (" + r.reason()
                        + "); resuming from the newest checkpoint", Duration.ZERO)).orElse(null);
            }
            case FAST_PATH_OFF:
                if (ChildEnvironment.isFastDownloadOff(spec.environment())) {
                    return null;
                }
                return new Next(spec.withEnvironment(ChildEnvironment.fastDownloadOff()),
                        cause.title() + ": restarting with the fast download path off (" + String.join(", ",
                                ChildEnvironment.fastDownloadOff().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                        .toList()) + ")", Duration.ZERO);
            case GO_ONLINE:
                if (spec.environment().containsKey("HF_HUB_OFFLINE")) {
                    Map<String, String> online = new HashMap<>();
                    online.put("HF_HUB_OFFLINE", null);
                    return new Next(spec.withEnvironment(online),
                            cause.title() + ": restarting without HF_HUB_OFFLINE so run.py may download it",
                            Duration.ZERO);
                }
                return backoff(spec, cause, policy, waits);
            case RETRY_WITH_BACKOFF:
                return backoff(spec, cause, policy, waits);
            default:
                return null;
        }
    }

    private static Next backoff(RunSpec spec, FailureKind cause, RecoveryPolicy policy, int waits) {
        Duration wait = policy.retryBackoff().multipliedBy((long) Math.pow(3, Math.min(waits, 6)));
        return new Next(spec, cause.title() + ": retrying in " + human(wait), wait);
    }

    private boolean sleepUnlessStopped(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (stopRequested()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopRequested();
    }

    private AttemptRecord runAttempt(int n, RunSpec spec, RecoveryPolicy policy, String startReason,
                                     Map<String, String> changes, List<AttemptRecord> earlier) {
        String startedAt = clock.instant().toString();
        Path log = spec.logDirectory().resolve(LogFiles.CURRENT);
        List<String> command;
        try {
            Path aside = LogFiles.rotate(spec.logDirectory());
            if (aside != null) {
                for (int i = 0; i < earlier.size(); i++) {
                    if (log.toString().equals(earlier.get(i).logFile())) {
                        earlier.set(i, earlier.get(i).withLogFile(aside.toString()));
                    }
                }
            }
            command = childCommand(spec, ParentDeathShim.writeInto(spec.logDirectory()));
            lastChildCommand = command;
        } catch (IOException e) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot write the log folder " + spec.logDirectory()
                    + " (" + e.getMessage() + "); choose an --output folder you can write to", e);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.workingDirectory().toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(spec.environment());
        builder.environment().put(ParentDeathShim.LAUNCHER_PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));

        try (LogSink sink = new LogSink(log)) {
            sink.note("attempt " + n + " of " + policy.maxAttempts() + " (" + startReason + "): "
                    + String.join(" ", spec.command()));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "cannot start " + spec.command().get(0) + " ("
                        + e.getMessage() + "); check --python or the toolkit's venv");
            }
            process.getOutputStream().close();
            LogWatcher watcher = new LogWatcher(spec.name(), MAX_LINE_BYTES, System::nanoTime);
            AtomicLong lastOutput = new AtomicLong(System.nanoTime());
            Thread reader = startReader(process.getInputStream(), sink, watcher, lastOutput);
            ProcessTree tree = new ProcessTree(process, killProgram(), isLinux());

            FailureKind forced = null;
            String forcedDetail = null;
            long jobErrorSince = -1;
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                sink.flush();
                tree.processGroup();
                RunSnapshot snapshot = report(watcher);
                long now = System.nanoTime();
                if (stopRequested()) {
                    sink.note("stopping: " + stopReason);
                    listener.note("stopping: " + stopReason);
                    stop(tree, process, watcher, policy, sink);
                    forced = FailureKind.INTERRUPTED;
                    forcedDetail = stopReason;
                    break;
                }
                if (snapshot.failure() == FailureKind.NAN_LOSS) {
                    sink.note("ending the run: the loss is not a number, training cannot recover from that");
                    listener.note("the loss became NaN/inf at step " + snapshot.step() + "; stopping the run");
                    stop(tree, process, watcher, policy, sink);
                    forced = FailureKind.NAN_LOSS;
                    forcedDetail = "loss " + snapshot.loss() + " at step " + snapshot.step();
                    break;
                }
                if (snapshot.jobError()) {
                    if (jobErrorSince < 0) {
                        jobErrorSince = now;
                    } else if (now - jobErrorSince > policy.failureExitWait().toNanos()) {
                        sink.note("ending the run: run.py reported its error but did not exit");
                        stop(tree, process, watcher, policy, sink);
                        break;
                    }
                }
                long silentNanos = now - lastOutput.get();
                if (silentNanos > policy.stallTimeout().toNanos()) {
                    String detail = "stalled: no output and no progress for " + human(policy.stallTimeout())
                            + (snapshot.step() == null ? "" : " at step " + snapshot.step());
                    sink.note(detail);
                    listener.note(detail + "; stopping this attempt");
                    stop(tree, process, watcher, policy, sink);
                    forced = FailureKind.STALLED;
                    forcedDetail = detail;
                    break;
                }
            }
            int exit = process.waitFor();
            sweep(tree);
            reader.join(5_000);
            if (reader.isAlive()) {
                // A grandchild outside the group still holds the pipe: stop reading, the process is gone.
                process.getInputStream().close();
                reader.join(5_000);
            }
            RunSnapshot last = report(watcher);
            Verdict verdict = judge(exit, forced, forcedDetail, last);
            if (verdict.cause() == FailureKind.KILLED) {
                sink.note("killed by signal " + (exit - 128));
            }
            return new AttemptRecord(n, startedAt, clock.instant().toString(), exit, verdict.cause(), verdict.detail(),
                    log.toString(), last.resumedFromStep(), last.step(), last.totalSteps(), last.secondsPerStep(),
                    last.oomSkippedBatches(), startReason, changes, null,
                    verdict.cause() == null ? List.of() : last.lastTraceback());
        } catch (IOException e) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot write the log " + log + " (" + e.getMessage()
                    + "); choose an --output folder you can write to", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "interrupted while supervising run.py");
        }
    }

    private RunSnapshot report(LogWatcher watcher) {
        for (LogEvent e : watcher.drainNotes()) {
            listener.event(e);
        }
        RunSnapshot snapshot = watcher.snapshot();
        listener.progress(snapshot);
        return snapshot;
    }

    private record Verdict(FailureKind cause, String detail) {
    }

    private static Verdict judge(int exit, FailureKind forced, String forcedDetail, RunSnapshot s) {
        if (forced != null) {
            return new Verdict(forced, forcedDetail);
        }
        if (exit == 0 && s.jobStopped() && !s.jobError()) {
            return new Verdict(FailureKind.INTERRUPTED, "run.py received SIGINT from outside the launcher");
        }
        if (exit == 0 && !s.jobError()) {
            return new Verdict(null, s.jobCompleted() ? "run.py finished its job" : "run.py exited with 0");
        }
        if (s.failure() != null) {
            return new Verdict(s.failure(), shorten(s.failureLine()));
        }
        if (exit > 128 && exit < 160) {
            return new Verdict(FailureKind.KILLED, "run.py was killed by signal " + (exit - 128)
                    + (exit == 137 ? " (SIGKILL; often the kernel's out-of-memory killer)" : ""));
        }
        List<String> tb = s.lastTraceback();
        String last = !tb.isEmpty() ? tb.get(tb.size() - 1)
                : s.lastLines().isEmpty() ? "no output" : s.lastLines().get(s.lastLines().size() - 1);
        return new Verdict(FailureKind.CRASHED, "exit " + exit + ": " + shorten(last));
    }

    private static String shorten(String line) {
        if (line == null) {
            return null;
        }
        String t = line.strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    private static String detailOf(AttemptRecord a) {
        return a.detail() == null ? "exit " + a.exitCode() : a.detail();
    }

    /**
     * SIGINT (ai-toolkit prints "Job stopped"), then SIGTERM, then SIGKILL. A checkpoint being written holds
     * the SIGINT back, within the grace period, so the newest checkpoint is never cut in half.
     */
    private void stop(ProcessTree tree, Process process, LogWatcher watcher, RecoveryPolicy policy, LogSink sink)
            throws InterruptedException {
        int requests = stopRequests.get();
        long deadline = System.nanoTime() + policy.gracePeriod().toNanos();
        if (watcher.snapshot().saving()) {
            listener.note("a checkpoint is being written; stopping when it is saved");
            sink.note("holding the stop until the checkpoint is saved");
            while (watcher.snapshot().saving() && process.isAlive() && System.nanoTime() < deadline
                    && stopRequests.get() == requests) {
                Thread.sleep(50);
            }
        }
        if (tree.signal("INT")) {
            if (waitOrEscalate(process, deadline, requests)) {
                return;
            }
            sink.note("run.py did not stop after SIGINT; sending SIGTERM");
        }
        tree.signal("TERM");
        if (process.waitFor(TERM_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        sink.note("run.py did not stop after SIGTERM; sending SIGKILL");
        tree.killEverything();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private boolean waitOrEscalate(Process process, long deadline, int requests) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (stopRequests.get() > requests) {
                return false;
            }
        }
        return !process.isAlive();
    }

    /** Whatever the child left in its group (dataloader workers) goes too, whether it exited or was stopped. */
    private static void sweep(ProcessTree tree) throws InterruptedException {
        if (tree.groupMembers().isEmpty()) {
            return;
        }
        tree.signal("TERM");
        if (!tree.awaitGroupGone(Duration.ofSeconds(3))) {
            tree.killEverything();
            tree.awaitGroupGone(Duration.ofSeconds(5));
        }
    }

    /**
     * Reads the merged stream in chunks. After a small read it waits {@value #COALESCE_MILLIS} ms so redraws
     * pile up in the pipe and the next read takes many at once: a child that flushes every tqdm update would
     * otherwise wake this thread once per update. The shim enlarges the pipe to 1 MiB, which a child cannot
     * fill in that time at the rates where reads stay small, so the child is never held up.
     */
    private static Thread startReader(InputStream in, LogSink sink, LogWatcher watcher, AtomicLong lastOutput) {
        LineSplitter splitter = new LineSplitter(MAX_LINE_BYTES, watcher);
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[CHUNK_BYTES];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    lastOutput.set(System.nanoTime());
                    sink.write(chunk, 0, n);
                    watcher.counted(n);
                    splitter.feed(chunk, 0, n);
                    if (n < SMALL_READ_BYTES) {
                        Thread.sleep(COALESCE_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // The stream was closed under us after the child died; what was read is in the log.
            }
            splitter.finish();
        }, "aitk-child-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private List<String> childCommand(RunSpec spec, Path shim) {
        List<String> cmd = new ArrayList<>();
        if (isLinux()) {
            Executables.find("setsid", launcherEnvironment).ifPresent(p -> cmd.add(p.toString()));
        }
        cmd.add(spec.command().get(0));
        cmd.add(shim.toString());
        cmd.addAll(spec.command().subList(1, spec.command().size()));
        return cmd;
    }

    private String killProgram() {
        if (launcherEnvironment.isWindows()) {
            return null;
        }
        return Executables.find("kill", launcherEnvironment).map(Path::toString)
                .orElse(Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : null);
    }

    private boolean isLinux() {
        return launcherEnvironment.osName().toLowerCase(java.util.Locale.ROOT).contains("linux");
    }

    private RunRecord finish(RunSpec first, RunSpec last, List<AttemptRecord> attempts, String startedAt,
                             ExitCode exit, FailureKind cause, String message) {
        String status = exit == ExitCode.OK ? "succeeded" : exit == ExitCode.INTERRUPTED ? "interrupted" : "failed";
        return writeRecord(first, last, attempts, startedAt, status, exit, cause, message);
    }

    private RunRecord writeRecord(RunSpec first, RunSpec last, List<AttemptRecord> attempts, String startedAt,
                                  String status, ExitCode exit, FailureKind cause, String message) {
        AttemptRecord lastAttempt = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        Long steps = null;
        Long total = null;
        Double sps = null;
        for (AttemptRecord a : attempts) {
            if (a.lastStep() != null) {
                steps = a.lastStep();
                total = a.totalSteps();
            }
            if (a.secondsPerStep() != null) {
                sps = a.secondsPerStep();
            }
        }
        RunRecord record = new RunRecord(last.name(), status, exit.code(), cause, message,
                cause == null || exit == ExitCode.OK ? null : cause.fix(), last.command(), lastChildCommand,
                last.workingDirectory().toString(), Redaction.environment(last.environment()),
                last.logDirectory().toString(), last.plan(), attempts,
                "succeeded".equals(status) || lastAttempt != null ? finalCheckpoint(last) : null, steps, total, sps,
                startedAt, "running".equals(status) ? null : clock.instant().toString());
        if (first.recordFile() != null) {
            write(first.recordFile(), Json.write(record));
        }
        return record;
    }

    /** The finished LoRA ({@code <name>.safetensors}) if there, else the newest step checkpoint, else null. */
    static String finalCheckpoint(RunSpec spec) {
        Path dir = spec.checkpointDirectory();
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        Path finished = dir.resolve(spec.name() + ".safetensors");
        if (Files.isRegularFile(finished)) {
            return finished.toString();
        }
        Path newest = null;
        long newestStep = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, spec.name() + "_*.safetensors")) {
            for (Path f : files) {
                Matcher m = CHECKPOINT_STEP.matcher(f.getFileName().toString());
                if (m.find() && Long.parseLong(m.group(1)) > newestStep) {
                    newestStep = Long.parseLong(m.group(1));
                    newest = f;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return newest == null ? null : newest.toString();
    }

    private static void write(Path target, String text) {
        AtomicFiles.write(target, text + "\n");
    }

    private static Map<String, String> diff(Map<String, String> before, Map<String, String> after) {
        Map<String, String> changed = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                changed.put(k, Redaction.isSecret(k) ? Redaction.MASK : v);
            }
        });
        before.keySet().forEach(k -> {
            if (!after.containsKey(k)) {
                changed.put(k, "(unset)");
            }
        });
        return changed;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
