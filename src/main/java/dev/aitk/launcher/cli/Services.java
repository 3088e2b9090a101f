package dev.aitk.launcher.cli;

import dev.aitk.launcher.hardware.GpuDetector;
import dev.aitk.launcher.hardware.MachineView;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ProcessRunner;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * Everything a command hands to core code: the environment, where to print, the clock, the process
 * runner and the machine detection reads ({@code /proc}, {@code /sys}, OSHI). {@link Main#main} builds the
 * real one; tests build their own and call {@link Main#run}.
 */
public record Services(Environment env, PrintWriter out, PrintWriter err, Clock clock, ProcessRunner processRunner,
                       boolean terminal, MachineView machine) {

    /** Services on this machine's own /proc, /sys and OSHI. */
    public Services(Environment env, PrintWriter out, PrintWriter err, Clock clock, ProcessRunner processRunner,
                    boolean terminal) {
        this(env, out, err, clock, processRunner, terminal, MachineView.system());
    }

    /** The detect stage on this environment and machine. */
    public GpuDetector gpuDetector() {
        return new GpuDetector(env, processRunner, machine);
    }

    public static Services system() {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        return new Services(Environment.system(), out, err, Clock.systemUTC(), new ZtProcessRunner(),
                System.console() != null);
    }
}
