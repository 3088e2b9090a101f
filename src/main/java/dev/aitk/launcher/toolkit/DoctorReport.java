package dev.aitk.launcher.toolkit;

import java.util.List;

/** {@code doctor}'s answer: one line per check, each ok/warn/fail with the fix; ready when nothing failed. */
public record DoctorReport(List<Check> checks, boolean ready) {

    public DoctorReport {
        checks = List.copyOf(checks);
    }

    public enum Status { OK, WARN, FAIL }

    /** {@code fix} is null when the check passed. */
    public record Check(String name, Status status, String detail, String fix) {
    }
}
