package dev.aitk.launcher.hub;

/**
 * What a prefetch is doing, as it happens: the plan, files starting and finishing, bytes arriving (called from
 * many download threads at once, so implementations must be thread-safe and cheap), and notices about retries,
 * stalls, rate limits and fallbacks. The CLI renders bars on a terminal and periodic lines elsewhere.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
    };

    default void planned(PrefetchPlan plan) {
    }

    default void fileStarted(String repoId, String path, long sizeBytes, long alreadyBytes) {
    }

    default void transferred(String repoId, String path, long bytes) {
    }

    default void fileFinished(String repoId, String path) {
    }

    default void notice(Notice notice) {
    }
}
