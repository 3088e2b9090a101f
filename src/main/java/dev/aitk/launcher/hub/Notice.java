package dev.aitk.launcher.hub;

/** Something the user should know happened during a download, reported as it happens and kept in the report. */
public record Notice(Kind kind, String repoId, String path, String message) {
    public enum Kind {
        RETRY, STALL, RATE_LIMITED, FALLBACK, CHECKSUM_MISMATCH, WAITING_FOR_OTHER_DOWNLOAD, LINK_REFRESHED
    }
}
