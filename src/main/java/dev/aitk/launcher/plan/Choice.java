package dev.aitk.launcher.plan;

/**
 * One planned setting: {@code key} is the ai-toolkit key path relative to the process entry
 * ({@code train.batch_size}, {@code datasets[*].resolution}), {@code pinned} when the user fixed it by a flag.
 */
public record Choice(String key, Object value, String reason, boolean pinned) {
}
