package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Refuses a download the cache's disk cannot hold before a byte is fetched, not an hour into it. */
final class DiskSpaceCheck {
    private static final long MARGIN_BYTES = 64L * 1024 * 1024;

    private DiskSpaceCheck() {
    }

    /** Throws when the blobs still to fetch (less what earlier runs left) do not fit on the cache's disk. */
    static void require(HubCache cache, List<BlobTransfer> transfers, long chunkBytes) {
        long need = 0;
        for (BlobTransfer t : transfers) {
            Path blob = cache.blobPath(t.repoId, t.location.etag());
            need += t.location.sizeBytes() - ResumableBlob.resumableBytes(blob, t.location.sizeBytes(), chunkBytes);
        }
        if (need == 0) {
            return;
        }
        Path probe = cache.root();
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        try {
            long free = Files.getFileStore(probe).getUsableSpace();
            if (free < need + MARGIN_BYTES) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "not enough disk space for the download: "
                        + new ByteSize(need).human() + " needed, " + new ByteSize(free).human() + " free at " + cache.root()
                        + "; free space or move the cache (HF_HOME or --cache-dir) to a larger disk");
            }
        } catch (IOException e) {
            // A file store that cannot say its free space is checked by the writes themselves.
        }
    }
}
