package dev.aitk.launcher.submit;

/** One key path set to one value in a task's config, e.g. {@code train.lr} = {@code 5e-5}; key syntax as --set. */
public record SweepSetting(String key, String value) {
    @Override
    public String toString() {
        return key + "=" + value;
    }
}
