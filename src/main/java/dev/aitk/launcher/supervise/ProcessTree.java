package dev.aitk.launcher.supervise;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signals for a child started in its own process group. Java cannot send SIGINT, so group signals go
 * through {@code kill -s SIG -- -PGID}; the group is read from /proc. Where there is no /proc (Windows,
 * macOS) the tree is walked with {@link ProcessHandle#descendants()} instead, which can only terminate.
 */
final class ProcessTree {
    private final Process process;
    private final String killProgram;
    private final boolean linux;
    private volatile boolean ownGroupSeen;

    ProcessTree(Process process, String killProgram, boolean linux) {
        this.process = process;
        this.killProgram = killProgram;
        this.linux = linux;
    }

    long pid() {
        return process.pid();
    }

    /**
     * The child's process group once it was seen leading its own (setsid or the shim took effect), else -1.
     * Remembered, so the group can still be signalled after its leader exited and left workers behind.
     */
    long processGroup() {
        if (!ownGroupSeen && linux && groupOf(process.pid()) == process.pid()) {
            ownGroupSeen = true;
        }
        return ownGroupSeen ? process.pid() : -1;
    }

    /**
     * Sends {@code signal} (INT, TERM, KILL) to the whole group, or to the child alone when it has none.
     * Returns false when it could not be sent: SIGINT where there is no kill program (Windows).
     */
    boolean signal(String signal) {
        long group = processGroup();
        if (killProgram != null && (group > 0 || linux)) {
            String target = group > 0 ? "-" + group : Long.toString(process.pid());
            try {
                Process kill = new ProcessBuilder(killProgram, "-s", signal, "--", target)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                kill.waitFor(5, TimeUnit.SECONDS);
                return true;
            } catch (IOException e) {
                // Fall through to what Java can do by itself.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (signal.equals("KILL")) {
            killEverything();
        } else if (!signal.equals("INT")) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        return !signal.equals("INT");
    }

    /** SIGKILL to the group and to every descendant Java can still see. */
    void killEverything() {
        long group = processGroup();
        if (group > 0 && killProgram != null) {
            try {
                new ProcessBuilder(killProgram, "-s", "KILL", "--", "-" + group)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // The handles below still reach the direct tree.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Processes still in the child's group (its workers, even after it exited and they were re-parented). The
     * group's id is the child's pid, whether setsid or the shim made it.
     */
    List<Long> groupMembers() {
        List<Long> members = new ArrayList<>();
        long pgid = process.pid();
        if (!linux) {
            process.descendants().filter(ProcessHandle::isAlive).forEach(h -> members.add(h.pid()));
            return members;
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (groupOf(pid) == pgid && !isZombie(pid)) {
                    members.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            process.descendants().filter(ProcessHandle::isAlive).forEach(h -> members.add(h.pid()));
        }
        return members;
    }

    /** Waits up to {@code timeout} for the group to be empty; true when it is. */
    boolean awaitGroupGone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!groupMembers().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The process group of {@code pid} from /proc/PID/stat, or -1. */
    static long groupOf(long pid) {
        String[] fields = statFields(pid);
        return fields == null ? -1 : Long.parseLong(fields[2]);
    }

    private static boolean isZombie(long pid) {
        String[] fields = statFields(pid);
        return fields == null || fields[0].equals("Z") || fields[0].equals("X");
    }

    /** The fields after the command name (state first); the name itself may hold spaces and parentheses. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
