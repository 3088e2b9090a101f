package dev.aitk.launcher.cli;

import dev.aitk.launcher.hub.PrefetchReport;
import dev.aitk.launcher.util.ByteSize;
import java.io.PrintWriter;
import java.util.Locale;

/** The lines a person reads after a prefetch: per repo what was fetched or found, then the bytes and the speed. */
final class PrefetchSummary {
    private PrefetchSummary() {
    }

    static void print(PrintWriter out, PrefetchReport report) {
        for (PrefetchReport.RepoResult r : report.repos()) {
            long downloaded = r.files().stream().filter(f -> f.status() == PrefetchReport.Status.DOWNLOADED).count();
            long cached = r.files().stream().filter(f -> f.status() == PrefetchReport.Status.CACHED).count();
            long missing = r.files().stream().filter(f -> f.status() == PrefetchReport.Status.MISSING).count();
            out.printf(Locale.ROOT, "%s (%s): %d file(s) downloaded, %d already cached%s%n", r.repoId(), r.source(), downloaded, cached,
                    missing > 0 ? ", " + missing + " missing" : r.problem() != null ? ", " + r.problem() : "");
            for (PrefetchReport.FileResult f : r.files()) {
                if (f.fallbackReason() != null) {
                    out.printf("  %s came over a single stream: %s%n", f.path(), f.fallbackReason());
                }
            }
        }
        PrefetchReport.Bytes bytes = report.bytes();
        if (bytes.fetchedNowBytes() > 0 || bytes.resumedBytes() > 0) {
            out.printf(Locale.ROOT, "Fetched %s now in %.1f s (%s/s)%s%s.%n", human(bytes.fetchedNowBytes()), report.seconds(),
                    human((long) report.fetchedBytesPerSecond()),
                    bytes.resumedBytes() > 0 ? "; " + human(bytes.resumedBytes()) + " were kept from an interrupted download" : "",
                    bytes.alreadyCachedBytes() > 0 ? "; " + human(bytes.alreadyCachedBytes()) + " were already cached" : "");
        }
        out.println(report.complete()
                ? "Cache " + report.cacheDir() + " holds everything; the run can load it offline (HF_HUB_OFFLINE=1)."
                : "Cache " + report.cacheDir() + " is missing some files.");
    }

    private static String human(long bytes) {
        return new ByteSize(bytes).human();
    }
}
