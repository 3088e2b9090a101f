package dev.aitk.launcher.cli;

import dev.aitk.launcher.supervise.RecoveryPolicy;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How hard the supervised run behind 'launch' tries, and how long it waits: recovery budget and timeouts. */
public final class SuperviseOptions {
    @Option(names = "--max-attempts", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Starts of run.py allowed, first included, across all recoveries (default: 4).")
    Integer maxAttempts;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "No output and no progress for this long is a stall (default: 30m; download progress "
                    + "counts). E.g. 45m, 1h.")
    Duration stallTimeout;

    @Option(names = "--grace-period", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a stop waits after SIGINT (and for a checkpoint being written) before SIGTERM "
                    + "(default: 30s).")
    Duration gracePeriod;

    public RecoveryPolicy policy() {
        RecoveryPolicy p = RecoveryPolicy.defaults();
        if (maxAttempts != null) {
            p = p.withMaxAttempts(maxAttempts);
        }
        if (stallTimeout != null) {
            p = p.withStallTimeout(stallTimeout);
        }
        if (gracePeriod != null) {
            p = p.withGracePeriod(gracePeriod);
        }
        return p;
    }
}
