package dev.aitk.launcher.submit;

import dev.aitk.launcher.hub.DownloadTuning;
import dev.aitk.launcher.hub.HubUnreachableException;
import dev.aitk.launcher.hub.ModelReferences;
import dev.aitk.launcher.hub.Prefetcher;
import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Before anything is queued: can this token read the models the configs name? A gated model without access
 * or a misspelled repo then fails in seconds at submit, not hours later in a queued prefetch job. Where the
 * Hub cannot be reached from here (a login node without internet) the check is skipped, with a note.
 */
@FunctionalInterface
public interface ModelAccess {
    /** Throws the hub's one-sentence error when access is refused; returns a note when it could not check. */
    Optional<String> check(Path config);

    static ModelAccess hub(Environment env) {
        return config -> {
            try {
                Prefetcher.forEnvironment(env, Optional.empty(), Optional.empty(), DownloadTuning.defaults())
                        .checkAccess(ModelReferences.fromConfig(config, env));
                return Optional.empty();
            } catch (HubUnreachableException e) {
                return Optional.of("could not reach the Hub from here to check model access (" + e.getMessage()
                        + "); the prefetch job will try from its node");
            }
        };
    }
}
