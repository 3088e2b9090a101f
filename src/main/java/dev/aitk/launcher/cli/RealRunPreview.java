package dev.aitk.launcher.cli;

import dev.aitk.launcher.hub.ArchDownloads;
import dev.aitk.launcher.hub.ModelReference;
import dev.aitk.launcher.hub.ModelReferences;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.PreparedJob;
import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.supervise.RecoveryPolicy;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the flags that only act once run.py starts (--max-attempts, --stall-timeout, --grace-period,
 * --no-prefetch, --offline, --ignore-validation) would do, shown by a dry run: they are accepted there because the dry
 * run previews the same command without --dry-run, and showing their effect is what keeps them from being
 * silently ignored.
 *
 * @param onValidationErrors what a validation error does to the real launch
 * @param downloads          what the prefetch fetches (or, with --no-prefetch, what run.py downloads itself): every
 *                           Hub reference of the configs, text encoders and VAEs from their own repositories included
 */
record RealRunPreview(boolean prefetch, boolean offline, boolean ignoreValidation, int maxAttempts, long stallTimeoutMillis,
                      long gracePeriodMillis, String onValidationErrors, List<Download> downloads) {

    /**
     * One Hub download: {@code org/name} or {@code org/name/file}, the config key that causes it, and its approximate
     * size where the launcher knows it before asking the Hub (null: the prefetch lists it from the Hub).
     */
    record Download(String reference, String source, Double approxGb) {
    }

    static RealRunPreview of(RealRun.Options options, LaunchPreparation preparation, Environment env) {
        RecoveryPolicy p = options.policy();
        return new RealRunPreview(!options.noPrefetch(), options.offline(), options.ignoreValidation(), p.maxAttempts(),
                p.stallTimeout().toMillis(), p.gracePeriod().toMillis(), options.ignoreValidation()
                        ? "a real launch with --ignore-validation starts anyway (and reports the override); a dry run only reports them"
                        : "a real launch stops on these errors (exit 3); a dry run only reports them",
                downloads(preparation, env));
    }

    private static List<Download> downloads(LaunchPreparation preparation, Environment env) {
        Map<String, Download> all = new LinkedHashMap<>();
        for (PreparedJob job : preparation.jobs()) {
            List<ModelReference> refs;
            try {
                refs = ModelReferences.fromConfig(Path.of(job.config()), env);
            } catch (LauncherException e) {
                continue; // the job's validation findings already say what is wrong with the config
            }
            for (ModelReference r : refs) {
                all.putIfAbsent(r.display(), new Download(r.display(), r.source(),
                        ArchDownloads.approxGb(r.repoId(), r.filePath()).orElse(null)));
            }
        }
        return List.copyOf(all.values());
    }

    /** The lines under "Without --dry-run:". */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(offline ? "offline (--offline): no network; " + (prefetch ? "the cache must already hold every "
                        + "model (checked first: exit 5 naming what is missing), " : "") + "run.py runs with "
                        + "HF_HUB_OFFLINE=1 and no recovery sends it online"
                        : prefetch ? "prefetch: these Hugging Face repos (or single files) are downloaded into the cache "
                        + "first; sizes known before asking the Hub are shown"
                        : "prefetch: none (--no-prefetch); run.py downloads what it needs itself, online");
        for (Download d : downloads) {
            lines.add("  " + d.reference() + (d.approxGb() == null ? "" : String.format(Locale.ROOT, ", about %.1f GB",
                    d.approxGb())) + "  [" + d.source() + "]");
        }
        lines.add("supervision: up to " + maxAttempts + " start" + (maxAttempts == 1 ? "" : "s") + " of run.py across "
                        + "recoveries; no output and no progress for " + human(Duration.ofMillis(stallTimeoutMillis))
                        + " is a stall; a stop waits " + human(Duration.ofMillis(gracePeriodMillis))
                        + " after SIGINT before SIGTERM");
        return lines;
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
