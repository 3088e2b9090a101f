package dev.aitk.launcher.data;

/** Progress of a long migration; called from worker threads, so implementations must be thread-safe. */
@FunctionalInterface
public interface MigrationProgress {
    MigrationProgress NONE = (phase, done, total) -> { };

    /**
     * @param phase {@code "reading headers"} or {@code "writing"}
     * @param done  items finished in this phase
     * @param total items in this phase
     */
    void update(String phase, long done, long total);
}
