import dev.aitk.launcher.supervise.RecoveryDecision;
import dev.aitk.launcher.supervise.Replanner;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.supervise.Supervisor;
import dev.aitk.launcher.supervise.SupervisorListener;
import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Runs one child under the launcher's supervisor exactly as 'launch' does (process group, parent-death
 * shim, log file, live parsing, run record) and prints how long the child ran.
 * Usage: SuperviseBench PYTHON CHILD.py OUT_DIR [ARGS...]
 */
public final class SuperviseBench {
    public static void main(String[] args) {
        Environment env = Environment.system();
        Path out = Path.of(args[2]);
        List<String> command = new java.util.ArrayList<>(List.of(args[0], args[1]));
        command.addAll(List.of(args).subList(3, args.length));
        RunSpec spec = new RunSpec("bench_lora", command, Path.of(".").toAbsolutePath(), env.variables(), env.variables(), out,
                out.resolve("run.json"), out, null);
        long start = System.nanoTime();
        RunRecord r = new Supervisor(env, Clock.systemUTC(), SupervisorListener.SILENT)
                .run(spec, RecoveryPolicy.defaults().withMaxAttempts(1),
                        new RecoveryDecision(RecoveryPolicy.defaults().retryBackoff(), Replanner.none(),
                                java.util.Map.of()));
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
        System.out.printf("supervised %s in %.3f s, launcher CPU %.2f s, exit %d, last step %s%n", r.status(), seconds,
                cpu, r.exitCode(), r.stepsDone());
    }
}
