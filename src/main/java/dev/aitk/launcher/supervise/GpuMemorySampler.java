package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Asks nvidia-smi for used/total memory of the run's GPUs every few seconds on a daemon thread, for the
 * status line. Stops asking after the first failure (no nvidia-smi, no driver): the line just omits it.
 */
public final class GpuMemorySampler implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ProcessRunner runner;
    private final Environment env;
    private final String gpuIds;
    private final Duration every;
    private volatile String latest;
    private volatile boolean closed;
    private Thread thread;

    /** {@code gpuIds} as CUDA_VISIBLE_DEVICES names them ("0,1"), or null for all. */
    public GpuMemorySampler(ProcessRunner runner, Environment env, String gpuIds, Duration every) {
        this.runner = runner;
        this.env = env;
        this.gpuIds = gpuIds;
        this.every = every;
    }

    public GpuMemorySampler start() {
        thread = new Thread(this::loop, "aitk-gpu-memory");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** "61.2/80.0 GiB" summed over the run's GPUs, or null. */
    public String latest() {
        return latest;
    }

    private void loop() {
        while (!closed) {
            String sample = sampleOnce();
            if (sample == null) {
                return;
            }
            latest = sample;
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    String sampleOnce() {
        List<String> cmd = gpuIds == null
                ? List.of("nvidia-smi", "--query-gpu=memory.used,memory.total", "--format=csv,noheader,nounits")
                : List.of("nvidia-smi", "--query-gpu=memory.used,memory.total", "--format=csv,noheader,nounits",
                "--id=" + gpuIds);
        try {
            ProcessRunner.ProcessResult r = runner.run(cmd, env, TIMEOUT);
            if (!r.succeeded()) {
                return null;
            }
            double used = 0;
            double total = 0;
            for (String line : r.stdout().split("\n")) {
                String[] f = line.split(",\\s*");
                if (f.length == 2) {
                    used += Double.parseDouble(f[0].strip());
                    total += Double.parseDouble(f[1].strip());
                }
            }
            return total == 0 ? null : String.format(Locale.ROOT, "%.1f/%.1f GiB", used / 1024, total / 1024);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
