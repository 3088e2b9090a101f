package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One start of run.py: moves the previous log aside, starts the child behind setsid and the parent-death shim,
 * pumps its output into the log and the watcher, and checks a few times a second whether to end it early (a
 * stop was asked for, the loss became NaN, run.py reported its error but did not exit, no output for the stall
 * timeout). A partial download in run.py's hub cache that grows counts as progress, and one that stopped growing
 * makes a stall a download stall ({@link PartialDownloads}: huggingface_hub 1.x prints nothing into a pipe).
 * Then judges how it ended.
 *
 * <p>The child is started with plain {@link ProcessBuilder} and {@code redirectErrorStream(true)} rather
 * than zt-exec: the supervisor needs the raw merged byte stream on its own reader thread (tqdm's {@code \r}
 * updates, bounded lines) and the child's pid for group signals, which a line-oriented pump would hide.
 * The child is started from the calling thread, which lives for the whole attempt: Linux ties the
 * parent-death signal to the thread that forked the child.
 */
final class AttemptRunner {
    private static final int MAX_LINE_BYTES = 16 * 1024;
    private static final long POLL_MILLIS = 200;
    /** The cache is listed every this many polls (once a second), not on every one. */
    private static final int POLLS_PER_CACHE_LOOK = 5;

    private final Environment launcherEnvironment;
    private final Clock clock;
    private final SupervisorListener listener;
    private final StopRequest stop;
    private final GracefulStop stopper;
    private final Function<Map<String, String>, Path> hubCacheOf;
    private volatile List<String> lastChildCommand = List.of();

    /** {@code hubCacheOf} names the hub cache a child environment makes run.py use (null when unknown). */
    AttemptRunner(Environment launcherEnvironment, Clock clock, SupervisorListener listener, StopRequest stop,
                  Function<Map<String, String>, Path> hubCacheOf) {
        this.launcherEnvironment = launcherEnvironment;
        this.hubCacheOf = hubCacheOf;
        this.clock = clock;
        this.listener = listener;
        this.stop = stop;
        this.stopper = new GracefulStop(stop, listener);
    }

    /** The exact argv of the newest start (setsid and the shim in front of run.py). */
    List<String> lastChildCommand() {
        return lastChildCommand;
    }

    /**
     * Runs attempt {@code n} of {@code spec} to its end. {@code earlier} attempts get their log path updated when
     * their log.txt is moved aside.
     */
    AttemptRecord run(int n, RunSpec spec, RecoveryPolicy policy, String startReason, Map<String, String> changes,
                      List<AttemptRecord> earlier) {
        String startedAt = clock.instant().toString();
        Path log = spec.logDirectory().resolve(LogFiles.CURRENT);
        ProcessBuilder builder = prepare(spec, log, earlier);
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
            Thread reader = OutputPump.start(process.getInputStream(), sink, watcher, MAX_LINE_BYTES, lastOutput);
            ProcessTree tree = new ProcessTree(process, killProgram(), isLinux());
            // File times are wall-clock times, whatever clock the launcher was given.
            PartialDownloads partials = new PartialDownloads(hubCacheOf.apply(spec.environment()), System.currentTimeMillis());
            AttemptVerdict forced = watch(process, tree, watcher, lastOutput, partials, policy, sink);
            int exit = process.waitFor();
            GracefulStop.sweep(tree);
            reader.join(5_000);
            if (reader.isAlive()) {
                // A grandchild outside the group still holds the pipe: stop reading, the process is gone.
                process.getInputStream().close();
                reader.join(5_000);
            }
            RunSnapshot last = report(watcher);
            AttemptVerdict verdict = forced != null ? forced : AttemptVerdict.of(exit, last);
            if (verdict.cause() == FailureKind.HOST_OUT_OF_MEMORY && AttemptVerdict.signal(exit) != null) {
                sink.note("killed by signal 9 (SIGKILL) with no Python error: the host ran out of RAM");
            } else if (verdict.cause() == FailureKind.KILLED) {
                sink.note("ended by signal " + AttemptVerdict.signal(exit));
            }
            return new AttemptRecord(n, startedAt, clock.instant().toString(), exit, verdict.cause(), verdict.detail(),
                    log.toString(), last.resumedFromStep(), last.step(), last.totalSteps(), last.secondsPerStep(),
                    finiteOrNull(last.loss()), last.oomSkippedBatches(), startReason, changes, null,
                    verdict.cause() == null ? List.of() : last.lastTraceback());
        } catch (IOException e) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "cannot write the log " + log + " (" + e.getMessage()
                    + "); choose an --output folder you can write to", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "interrupted while supervising run.py");
        }
    }

    /** Moves the previous log aside, writes the shim, and builds the child's command and environment. */
    private ProcessBuilder prepare(RunSpec spec, Path log, List<AttemptRecord> earlier) {
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
        return builder;
    }

    /** Polls until the child exits; returns why the launcher ended it early, or null when it ended by itself. */
    private AttemptVerdict watch(Process process, ProcessTree tree, LogWatcher watcher, AtomicLong lastOutput,
                          PartialDownloads partials, RecoveryPolicy policy, LogSink sink) throws InterruptedException {
        long jobErrorSince = -1;
        long polls = 0;
        Optional<PartialDownloads.State> download = Optional.empty();
        while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            sink.flush();
            tree.processGroup();
            RunSnapshot snapshot = report(watcher);
            long now = System.nanoTime();
            if (polls++ % POLLS_PER_CACHE_LOOK == 0) {
                Optional<PartialDownloads.State> seen = partials.look();
                if (seen.isPresent() && !seen.map(PartialDownloads.State::bytes).equals(download.map(PartialDownloads.State::bytes))) {
                    lastOutput.set(now);
                }
                download = seen;
            }
            if (stop.asked()) {
                sink.note("stopping: " + stop.reason());
                listener.note("stopping: " + stop.reason());
                stopper.stop(tree, process, watcher, policy.gracePeriod(), sink);
                return AttemptVerdict.endedBySupervisor(FailureKind.INTERRUPTED, stop.reason());
            }
            if (snapshot.failure() == FailureKind.NAN_LOSS) {
                sink.note("ending the run: the loss is not a number, training cannot recover from that");
                listener.note("the loss became NaN/inf at step " + snapshot.step() + "; stopping the run");
                stopper.stop(tree, process, watcher, policy.gracePeriod(), sink);
                return AttemptVerdict.endedBySupervisor(FailureKind.NAN_LOSS, "loss " + snapshot.loss() + " at step "
                        + snapshot.step());
            }
            if (snapshot.jobError()) {
                if (jobErrorSince < 0) {
                    jobErrorSince = now;
                } else if (now - jobErrorSince > policy.failureExitWait().toNanos()) {
                    sink.note("ending the run: run.py reported its error but did not exit");
                    stopper.stop(tree, process, watcher, policy.gracePeriod(), sink);
                    return null;
                }
            }
            if (now - lastOutput.get() > policy.stallTimeout().toNanos()) {
                String downloading = snapshot.downloading() != null ? snapshot.downloading()
                        : download.map(PartialDownloads.State::newest).orElse(null);
                String detail = "stalled: no output and no progress for " + Durations.human(policy.stallTimeout())
                        + (downloading != null ? " while downloading " + downloading
                        : snapshot.step() == null ? "" : " at step " + snapshot.step());
                sink.note(detail);
                listener.note(detail + "; stopping this attempt");
                stopper.stop(tree, process, watcher, policy.gracePeriod(), sink);
                return AttemptVerdict.endedBySupervisor(AttemptVerdict.stall(downloading), detail);
            }
        }
        return null;
    }

    private RunSnapshot report(LogWatcher watcher) {
        for (LogEvent e : watcher.drainNotes()) {
            listener.event(e);
        }
        RunSnapshot snapshot = watcher.snapshot();
        listener.progress(snapshot);
        return snapshot;
    }

    /** A NaN loss is the failure's detail; the record keeps only numbers JSON can hold. */
    private static Double finiteOrNull(Double loss) {
        return loss == null || !Double.isFinite(loss) ? null : loss;
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
        return launcherEnvironment.osName().toLowerCase(Locale.ROOT).contains("linux");
    }
}
