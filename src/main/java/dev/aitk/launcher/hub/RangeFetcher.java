package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * GETs byte ranges of one blob from where the Hub redirected (the CDN) and writes them at their offsets into the
 * {@link ResumableBlob}. Transient trouble (stall, reset, truncation, 5xx, 429, an expired link) becomes a
 * {@link RetryableException}; the caller decides whether to try again.
 */
final class RangeFetcher {
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);
    static final String RANGES_IGNORED = "the server ignored Range requests (it answered 200 to a ranged GET)";

    /** Where a body copy got to; survives the exception that interrupted it, so a retry resumes there. */
    static final class Cursor {
        long position;
        /** Set when a ranged stream was answered with the whole file and restarted at byte 0. */
        boolean rangesIgnored;

        Cursor(long position) {
            this.position = position;
        }
    }

    /** How a fetch ended when it did not throw. */
    enum Outcome { COMPLETE, RANGES_IGNORED, ABANDONED }

    /** Told about bytes a single stream wrote, so it can journal the chunks it passed. */
    interface StreamProgress {
        void wrote(long fromByte, long toByteExclusive) throws IOException;
    }

    private final Downloader owner;
    private final String repoId;
    private final String commit;
    private final String displayPath;
    private final HubApi.FileLocation location;
    private final ResumableBlob blob;
    private volatile SignedLink link;
    /** Fresh links refused in a row with no byte between: past a few, the refusal is not about expiry. */
    private volatile int refusedInARow;
    private static final int MAX_REFUSED_FRESH_LINKS = 3;

    RangeFetcher(Downloader owner, String repoId, String commit, String displayPath, HubApi.FileLocation location,
                 ResumableBlob blob) {
        this.owner = owner;
        this.repoId = repoId;
        this.commit = commit;
        this.displayPath = displayPath;
        this.location = location;
        this.blob = blob;
        this.link = SignedLink.of(location.downloadUri(), owner.clock.instant());
    }

    /**
     * GETs bytes [cursor, end] and writes them at their offsets. In stream mode (the fallback) a 200 answer restarts
     * the cursor at 0 and {@code stream} hears every write; in chunk mode a 200 to a ranged GET is reported as
     * {@link Outcome#RANGES_IGNORED} and nothing is written. {@code stop} is polled between reads.
     */
    Outcome fetch(Cursor cursor, long end, StreamProgress stream, BooleanSupplier stop) throws IOException {
        boolean streamMode = stream != null;
        long sizeBytes = blob.sizeBytes();
        HubHttp.Response r;
        // A stream to the end of the file asks for an open range (bytes=N-), as a plain resumable download does.
        long requestEnd = streamMode && end == sizeBytes - 1 ? -1 : end;
        SignedLink using = link;
        if (using.expiredAt(owner.clock.instant())) {
            // Checked before use: a link past its time would only earn a 403 and a wasted round trip.
            using = refreshLink(using, "the download link's signed time ran out", cursor.position);
        }
        try {
            r = owner.http.send("GET", using.uri(), cursor.position, requestEnd, true);
        } catch (SocketTimeoutException e) {
            throw new RetryableException("no answer within " + owner.http.idleTimeout().toSeconds() + " s", Optional.empty(), true, e);
        } catch (IOException e) {
            throw new RetryableException(HubApi.describe(e), Optional.empty(), false, e);
        }
        try {
            long last = end;
            if (r.status == 200) {
                boolean wholeFile = cursor.position == 0 && end == sizeBytes - 1;
                if (!wholeFile && !streamMode) {
                    r.abort();
                    return Outcome.RANGES_IGNORED;
                }
                if (!wholeFile) {
                    cursor.rangesIgnored = true;
                    cursor.position = 0;
                    last = sizeBytes - 1;
                }
            } else if (r.status == 206) {
                String mismatch = ContentRange.mismatch(r.header("Content-Range").orElse(""), cursor.position, end, sizeBytes);
                if (mismatch != null) {
                    // Written at our offset, bytes from elsewhere would splice the file: never write them.
                    r.abort();
                    throw new RetryableException("the server answered a range request with " + mismatch);
                }
            } else if ((r.status == 400 || r.status == 401 || r.status == 403 || r.status == 410)
                    && !HubHttp.sameOrigin(r.url, owner.api.endpoint())) {
                // Signed CDN links expire (a day-long download outlives them): ask the Hub for a fresh one and
                // go on from this offset. Not a failure, unless fresh links keep being refused.
                r.abort();
                synchronized (this) {
                    if (++refusedInARow > MAX_REFUSED_FRESH_LINKS) {
                        refusedInARow = 0;
                        throw new RetryableException("the download host " + r.url.getHost() + " refused " + (MAX_REFUSED_FRESH_LINKS + 1)
                                + " fresh links in a row (" + r.status + ")");
                    }
                }
                refreshLink(using, "the download link expired (" + r.status + " from " + r.url.getHost() + ")", cursor.position);
                throw RetryableException.linkRefreshed("the download link expired (" + r.status + ")");
            } else {
                owner.api.check(r, repoId, commit, displayPath);
                r.abort();
                throw new RetryableException("unexpected answer " + r.status);
            }
            return copyBody(r, cursor, last, stream, stop) ? Outcome.COMPLETE : Outcome.ABANDONED;
        } finally {
            r.close();
        }
    }

    /**
     * Asks the Hub (through /resolve/) for a fresh link, once for all chunks: a chunk that finds {@code stale} already
     * replaced by another chunk uses the replacement.
     */
    private synchronized SignedLink refreshLink(SignedLink stale, String why, long offset) throws IOException {
        if (link != stale) {
            return link;
        }
        HubApi.FileLocation fresh;
        try {
            fresh = owner.api.locate(repoId, commit, displayPath);
        } catch (LauncherException e) {
            throw e;
        } catch (IOException e) {
            throw new RetryableException("asking the Hub for a fresh download link: " + HubApi.describe(e), Optional.empty(), false, e);
        }
        if (!fresh.etag().equals(location.etag())) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, repoId + "/" + displayPath
                    + " changed on the Hub during the download (a new etag at the same commit); run again");
        }
        link = SignedLink.of(fresh.downloadUri(), owner.clock.instant());
        owner.notice(new Notice(Notice.Kind.LINK_REFRESHED, repoId, displayPath, why + " for " + displayPath
                + "; got a fresh one from the Hub, going on from byte " + offset + " (nothing is fetched twice)"));
        return link;
    }

    /** Copies the body to its offsets; false when {@code stop} said to abandon it. */
    private boolean copyBody(HubHttp.Response r, Cursor cursor, long end, StreamProgress stream, BooleanSupplier stop)
            throws IOException {
        byte[] buffer = BUFFERS.get();
        InputStream in = r.body();
        while (cursor.position <= end) {
            if (stop.getAsBoolean()) {
                r.abort();
                return false;
            }
            int want = (int) Math.min(buffer.length, end - cursor.position + 1);
            int n;
            try {
                n = in.read(buffer, 0, want);
            } catch (SocketTimeoutException e) {
                r.abort();
                throw new RetryableException("no bytes for " + owner.http.idleTimeout().toSeconds() + " s at byte "
                        + cursor.position, Optional.empty(), true, e);
            } catch (IOException e) {
                r.abort();
                throw new RetryableException(HubApi.describe(e) + " at byte " + cursor.position, Optional.empty(), false, e);
            }
            if (n < 0) {
                r.abort();
                throw new RetryableException("the body ended early at byte " + cursor.position + " of " + (end + 1));
            }
            if (refusedInARow != 0) {
                synchronized (this) {
                    refusedInARow = 0;
                }
            }
            long before = cursor.position;
            blob.write(buffer, n, before, owner.cache.root(), displayPath);
            cursor.position += n;
            owner.fetched(repoId, displayPath, n);
            if (stream != null) {
                stream.wrote(before, cursor.position);
            }
        }
        return true;
    }
}
