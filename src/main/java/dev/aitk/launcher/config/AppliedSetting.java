package dev.aitk.launcher.config;

/**
 * What rendering did with one {@link Setting}: the absolute path it reached, the value it replaced (null when
 * the key was created), and whether a later setting for the same path replaced it again.
 */
public record AppliedSetting(
        String keyPath,
        String absolutePath,
        Object value,
        String previous,
        boolean created,
        String reason,
        Setting.Origin origin,
        String overriddenBy) {

    AppliedSetting overridden(String by) {
        return new AppliedSetting(keyPath, absolutePath, value, previous, created, reason, origin, by);
    }
}
