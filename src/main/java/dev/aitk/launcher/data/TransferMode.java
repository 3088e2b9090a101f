package dev.aitk.launcher.data;

/** How files that need no conversion reach the output. */
public enum TransferMode {
    /** Copy the bytes unchanged (default): the output stands on its own. */
    COPY,
    /** Hard-link (no extra space); falls back to a copy where the file systems differ, and says so. */
    LINK
}
