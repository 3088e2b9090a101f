package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.AtomicFiles;

import java.nio.file.Path;

/**
 * A few lines of Python that the toolkit's own interpreter runs before run.py (then runs run.py with runpy,
 * so {@code sys.argv} and {@code __main__} are as usual). It puts the trainer in its own session, asks the
 * kernel for SIGTERM when the launcher dies (Linux: PR_SET_PDEATHSIG, checked against the launcher's pid right
 * after to close the race), and turns SIGTERM into a SIGKILL of the whole process group so dataloader workers
 * die too; a watchdog thread repeats the parent check each second (for a main thread stuck in C code, and on
 * macOS, which has no parent-death signal). Only the trainer's own pid acts on SIGTERM that way: a forked child
 * gets SIGTERM's default back at fork (and the handler checks the pid too), because pools and DataLoaders end
 * their workers with SIGTERM and a worker must not take the trainer with it (issue 9: a finished run reported
 * as killed by SIGKILL). On Windows it only runs run.py.
 */
public final class ParentDeathShim {
    /** The launcher's pid, so the shim can tell whether its parent is already gone. */
    public static final String LAUNCHER_PID_VARIABLE = "AITK_LAUNCHER_PID";
    static final String FILE_NAME = "aitk-launcher-shim.py";

    static final String SOURCE = """
            # Written by aitk-launcher: runs run.py in this interpreter, and makes sure the trainer and every
            # process it started die with the launcher, even when the launcher is killed with SIGKILL.
            import os, runpy, signal, sys, threading, time
            launcher = int(os.environ.pop("%s", "0") or "0")
            if hasattr(os, "setsid") and os.getpgrp() != os.getpid():
                try:
                    os.setsid()
                except OSError:
                    pass
            trainer = os.getpid()
            def _kill_group(*_):
                if os.getpid() != trainer:
                    # A forked child (a Pool or DataLoader worker) that kept this handler: SIGTERM from its pool
                    # must end that child alone, as SIGTERM's default would, never the trainer's group.
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                try:
                    os.killpg(os.getpgrp(), signal.SIGKILL)
                finally:
                    os._exit(143)
            def _child_default(*_):
                try:
                    if signal.getsignal(signal.SIGTERM) is _kill_group:
                        signal.signal(signal.SIGTERM, signal.SIG_DFL)
                except (ValueError, OSError):
                    pass
            if launcher and os.name == "posix":
                if sys.platform.startswith("linux"):
                    import ctypes
                    try:
                        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
                    except Exception:
                        pass
                signal.signal(signal.SIGTERM, _kill_group)
                # The launcher stops a run with SIGINT (ai-toolkit: "Job stopped", exit 0). A launcher started in
                # the background by a non-interactive shell hands its children SIGINT ignored, and Python then
                # raises no KeyboardInterrupt: the stop waited out the grace period and ended in SIGTERM. run.py
                # is in its own session, so no terminal's Ctrl+C reaches it: only the launcher's SIGINT does.
                signal.signal(signal.SIGINT, signal.default_int_handler)
                if hasattr(os, "register_at_fork"):
                    os.register_at_fork(after_in_child=_child_default)
                if os.getppid() != launcher:
                    _kill_group()
                def _watch():
                    while True:
                        time.sleep(1)
                        if os.getppid() != launcher:
                            _kill_group()
                threading.Thread(target=_watch, name="aitk-parent-watch", daemon=True).start()
            try:
                # A 1 MiB pipe (Linux) lets tqdm's flushed redraws pile up while the launcher batches its reads.
                import fcntl
                fcntl.fcntl(sys.stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
            except Exception:
                pass
            script = sys.argv[1]
            sys.argv = sys.argv[1:]
            sys.path[0] = os.path.dirname(os.path.abspath(script))
            runpy.run_path(script, run_name="__main__")
            """.formatted(LAUNCHER_PID_VARIABLE);

    private ParentDeathShim() {
    }

    /** Writes the shim into {@code dir} (temp file + atomic rename) and returns its path. */
    public static Path writeInto(Path dir) {
        Path target = dir.resolve(FILE_NAME);
        AtomicFiles.write(target, SOURCE);
        return target;
    }
}
