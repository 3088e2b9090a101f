package dev.aitk.launcher.validate;

/** How bad a finding is: an error stops a launch (exit 3), a warning is printed and the run goes on. */
public enum Severity {
    ERROR,
    WARNING
}
