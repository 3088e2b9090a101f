package dev.aitk.launcher.supervise;

import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A launcher in a JVM of its own, for the tests that signal or kill the launcher itself:
 * {@code SupervisedRunMain PYTHON RUN_PY CONFIG NAME OUTPUT_DIR}; the run.py double's knobs come from this
 * JVM's environment. Exits with the run's exit code, as the CLI does.
 */
public final class SupervisedRunMain {
    private SupervisedRunMain() {
    }

    public static void main(String[] args) {
        Environment env = Environment.system();
        Path out = Path.of(args[4]).resolve(args[3]);
        RunSpec spec = new RunSpec(args[3], List.of(args[0], args[1], args[2]), Path.of(args[1]).getParent(),
                env.variables(), env.variables(), out, out.resolve("run.json"), out, null);
        Supervisor supervisor = new Supervisor(env, Clock.systemUTC(), SupervisorListener.SILENT);
        RunRecord record;
        StopSignals signals = StopSignals.install(supervisor);
        try {
            record = supervisor.run(spec, RecoveryPolicy.defaults().withGracePeriod(Duration.ofSeconds(5)),
                    FakeToolkit.recovery(Replanner.none()));
        } finally {
            signals.close();
        }
        System.out.println("status " + record.status());
        System.exit(record.exitCode());
    }
}
