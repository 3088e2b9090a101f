package dev.aitk.launcher.config;

/**
 * One value to put into a rendered config, with why and who asked for it. {@code value} is a plain Java
 * value (String, Number, Boolean, null, List, Map); {@code keyPath} uses the shared syntax ({@link KeyPath}).
 * Settings apply in order, so a later one wins: plan choices, then the command's flags, then --set overrides.
 */
public record Setting(String keyPath, Object value, String reason, Origin origin) {

    /** Who asked for a setting. */
    public enum Origin {
        /** The planner's choice for the GPUs. */
        PLAN,
        /** A command flag such as --dataset, --output or --name. */
        CLI,
        /** The user's --set key.path=value. */
        OVERRIDE
    }

    public static Setting plan(String keyPath, Object value, String reason) {
        return new Setting(keyPath, value, reason, Origin.PLAN);
    }

    public static Setting cli(String keyPath, Object value, String reason) {
        return new Setting(keyPath, value, reason, Origin.CLI);
    }
}
