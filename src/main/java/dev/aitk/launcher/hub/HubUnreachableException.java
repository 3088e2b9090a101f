package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;

/** The Hub could not be reached at all (DNS, refused, no route): the cache may still be enough to run offline. */
public final class HubUnreachableException extends LauncherException {
    HubUnreachableException(String message, Throwable cause) {
        super(ExitCode.DOWNLOAD_FAILED, message, cause);
    }
}
