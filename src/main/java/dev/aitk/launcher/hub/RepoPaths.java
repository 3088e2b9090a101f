package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;

/** Repo file paths come from the server: one that could escape the cache folder is refused, never written. */
final class RepoPaths {
    private RepoPaths() {
    }

    static String requireSafe(String repoId, String path) {
        boolean bad = path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0
                || path.matches("^[A-Za-z]:.*") || path.endsWith("/");
        if (!bad) {
            for (String segment : path.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    bad = true;
                    break;
                }
            }
        }
        if (bad) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the listing of " + repoId + " names a file '"
                    + path.replaceAll("\\p{Cntrl}", "?") + "' whose path would escape the cache; refused (is --endpoint a trustworthy Hub?)");
        }
        return path;
    }
}
