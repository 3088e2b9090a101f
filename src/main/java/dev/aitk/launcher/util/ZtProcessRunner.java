package dev.aitk.launcher.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeroturnaround.exec.ProcessExecutor;

import org.zeroturnaround.exec.StartedProcess;

/** {@link ProcessRunner} on zt-exec: bounded output, a hard timeout that kills the program. */
public final class ZtProcessRunner implements ProcessRunner {
    /** A probe that prints more than this is not one we understand; keep memory bounded regardless. */
    private static final int MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

    @Override
    public ProcessRunner.ProcessResult run(List<String> command, Environment env, Duration timeout) {
        Path program = Executables.find(command.get(0), env)
                .orElseThrow(() -> new ProcessStartException(command.get(0) + " was not found on PATH", null));
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, program.toString());
        BoundedBuffer out = new BoundedBuffer();
        BoundedBuffer err = new BoundedBuffer();
        long start = System.nanoTime();
        StartedProcess started;
        try {
            started = new ProcessExecutor(resolved)
                    .directory(env.workingDirectory().toFile())
                    .environment(env.variables())
                    .redirectOutput(out)
                    .redirectError(err)
                    .redirectInput(new java.io.ByteArrayInputStream(new byte[0]))
                    .destroyOnExit()
                    .start();
        } catch (IOException e) {
            throw new ProcessStartException(command.get(0) + " could not be started: " + e.getMessage(), e);
        }
        try {
            org.zeroturnaround.exec.ProcessResult result = started.getFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ProcessRunner.ProcessResult(result.getExitValue(), out.text(), err.text(), false,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            started.getProcess().descendants().forEach(ProcessHandle::destroyForcibly);
            started.getProcess().destroyForcibly();
            started.getFuture().cancel(true);
            return new ProcessRunner.ProcessResult(-1, out.text(), err.text(), true,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            started.getProcess().destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProcessStartException(command.get(0) + " was interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ProcessStartException(command.get(0) + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static final class BoundedBuffer extends java.io.OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < MAX_CAPTURE_BYTES) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = MAX_CAPTURE_BYTES - bytes.size();
            if (room > 0) {
                bytes.write(b, off, Math.min(room, len));
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

}
