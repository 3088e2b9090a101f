package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import java.time.Duration;
import java.util.List;

/**
 * What the flags that only act once run.py starts (--max-attempts, --stall-timeout, --grace-period,
 * --no-prefetch, --ignore-validation) would do, shown by a dry run: they are accepted there because the dry
 * run previews the same command without --dry-run, and showing their effect is what keeps them from being
 * silently ignored.
 *
 * @param onValidationErrors what a validation error does to the real launch
 */
record RealRunPreview(boolean prefetch, boolean ignoreValidation, int maxAttempts, long stallTimeoutMillis,
                      long gracePeriodMillis, String onValidationErrors) {

    static RealRunPreview of(RealRun.Options options) {
        RecoveryPolicy p = options.policy();
        return new RealRunPreview(!options.noPrefetch(), options.ignoreValidation(), p.maxAttempts(),
                p.stallTimeout().toMillis(), p.gracePeriod().toMillis(), options.ignoreValidation()
                        ? "a real launch with --ignore-validation starts anyway (and reports the override); a dry run only reports them"
                        : "a real launch stops on these errors (exit 3); a dry run only reports them");
    }

    /** The lines under "Without --dry-run:". */
    List<String> lines() {
        return List.of(
                prefetch ? "prefetch: the model's Hugging Face repos are downloaded into the cache first"
                        : "prefetch: none (--no-prefetch); run.py downloads what it needs itself, online",
                "supervision: up to " + maxAttempts + " start" + (maxAttempts == 1 ? "" : "s") + " of run.py across "
                        + "recoveries; no output and no progress for " + human(Duration.ofMillis(stallTimeoutMillis))
                        + " is a stall; a stop waits " + human(Duration.ofMillis(gracePeriodMillis))
                        + " after SIGINT before SIGTERM");
    }

    private static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        return s % 60 == 0 ? s / 60 + " min" : s + " s";
    }
}
