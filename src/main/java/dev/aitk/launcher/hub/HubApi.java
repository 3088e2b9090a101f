package dev.aitk.launcher.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The Hub's HTTP API as huggingface_hub uses it: revision to commit, the paginated tree listing, and HEAD on a
 * file's resolve URL (etag, size, commit, and where the bytes live). Errors the user can act on become one
 * sentence with exit code 5; transient ones become {@link RetryableException}.
 */
final class HubApi {
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern RATE_LIMIT_T = Pattern.compile("[;,]\\s*t=(\\d+)");

    private final HubHttp http;
    private final HubSettings settings;

    HubApi(HubHttp http, HubSettings settings) {
        this.http = http;
        this.settings = settings;
    }

    /** Where the bytes of one file are, as the HEAD on its resolve URL said. */
    record FileLocation(String etag, long sizeBytes, String commit, URI downloadUri) {
    }

    java.net.URI endpoint() {
        return settings.endpoint();
    }

    String commitOf(String repoId, String revision) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repoId + "/revision/" + quote(revision));
        try (HubHttp.Response r = call("GET", uri)) {
            check(r, repoId, revision, null);
            JsonNode doc = Json.mapper().readTree(r.body());
            String sha = doc.path("sha").asText("");
            if (!sha.matches("[0-9a-f]{40}")) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub at " + settings.endpoint()
                        + " answered the revision lookup for " + repoId + " without a commit id; is --endpoint a Hugging Face Hub or mirror?");
            }
            return sha;
        }
    }

    List<RemoteEntry> listFiles(String repoId, String commit) throws IOException {
        List<RemoteEntry> out = new ArrayList<>();
        URI next = URI.create(settings.endpoint() + "/api/models/" + repoId + "/tree/" + quote(commit)
                + "?recursive=true&expand=false");
        int pages = 0;
        while (next != null) {
            if (++pages > 10_000) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the tree listing of " + repoId + " never ended (more than 10000 pages); the server is misbehaving");
            }
            try (HubHttp.Response r = call("GET", next)) {
                check(r, repoId, commit, null);
                JsonNode doc = Json.mapper().readTree(r.body());
                if (!doc.isArray()) {
                    throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub's tree listing of " + repoId + " is not a JSON list; is --endpoint a Hugging Face Hub or mirror?");
                }
                for (JsonNode e : doc) {
                    if (!"file".equals(e.path("type").asText())) {
                        continue;
                    }
                    String path = RepoPaths.requireSafe(repoId, e.path("path").asText(""));
                    JsonNode lfs = e.path("lfs");
                    String sha256 = lfs.isObject() ? lfs.path("oid").asText(null) : null;
                    long size = lfs.isObject() && lfs.has("size") ? lfs.path("size").asLong() : e.path("size").asLong();
                    out.add(new RemoteEntry(path, size, e.path("oid").asText(""), sha256));
                }
                next = r.header("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                        .map(m -> r.url.resolve(m.group(1))).orElse(null);
            }
        }
        return out;
    }

    FileLocation locate(String repoId, String commit, String path) throws IOException {
        URI uri = resolveUri(repoId, commit, path);
        try (HubHttp.Response r = http.send("HEAD", uri, -1, -1, false)) {
            if (r.status >= 400) {
                check(r, repoId, commit, path);
            }
            String etag = r.header("X-Linked-Etag").or(() -> r.header("ETag")).map(HubApi::normalizeEtag).orElse(null);
            String size = r.header("X-Linked-Size").orElse(r.status < 300 ? Long.toString(r.contentLength()) : null);
            String repoCommit = r.header("X-Repo-Commit").orElse(null);
            if (etag == null || size == null || Long.parseLong(size) < 0 || repoCommit == null) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub's answer for " + repoId + "/" + path
                        + " lacks its ETag, size or X-Repo-Commit (a proxy may strip headers); try another network or --endpoint mirror");
            }
            if (!etag.matches("[A-Za-z0-9._-]{1,128}") || etag.startsWith(".")) {
                throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub's ETag for " + repoId + "/" + path
                        + " is not a usable file name; refused (is --endpoint a trustworthy Hub?)");
            }
            URI download = r.status >= 300 ? r.url.resolve(r.header("Location").orElseThrow()) : r.url;
            return new FileLocation(etag, Long.parseLong(size), repoCommit, download);
        } catch (NumberFormatException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub sent a size that is not a number for " + repoId + "/" + path + "; try again later");
        }
    }

    URI resolveUri(String repoId, String commit, String path) {
        StringBuilder sb = new StringBuilder(settings.endpoint().toString()).append('/').append(repoId)
                .append("/resolve/").append(quote(commit));
        for (String segment : path.split("/")) {
            sb.append('/').append(quote(segment));
        }
        return URI.create(sb.toString());
    }

    static String normalizeEtag(String raw) {
        String e = raw.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    static String quote(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HubHttp.Response call(String method, URI uri) throws IOException {
        return http.send(method, uri, -1, -1, true);
    }

    /** Turns an HTTP error into the sentence the user needs, or a retryable failure. */
    void check(HubHttp.Response r, String repoId, String revision, String path) throws IOException {
        if (r.status < 400) {
            return;
        }
        String code = r.header("X-Error-Code").orElse("");
        String page = settings.endpoint() + "/" + repoId;
        String what = path == null ? repoId : repoId + "/" + path;
        boolean hasToken = settings.token().isPresent();
        String tokenFrom = settings.tokenSource().orElse("HF_TOKEN");
        if (r.status == 429) {
            throw new RetryableException("rate limited (429) on " + what, Optional.of(retryAfter(r)), false, null);
        }
        if (r.status >= 500) {
            throw new RetryableException("server error " + r.status + " on " + what);
        }
        String fail;
        if (code.equals("GatedRepo") || (r.status == 403 && !code.equals("RepoNotFound"))) {
            fail = hasToken
                    ? repoId + " is gated and the token from " + tokenFrom + " has not been granted access: accept the license at "
                      + page + " while logged in as the token's owner, then run again"
                    : repoId + " is gated and needs a Hugging Face token: accept the license at " + page
                      + ", create a read token at " + settings.endpoint() + "/settings/tokens and set HF_TOKEN";
        } else if (code.equals("RevisionNotFound")) {
            fail = "revision '" + revision + "' of " + repoId + " was not found on " + settings.endpoint()
                    + "; give an existing branch, tag or 40-character commit with --revision";
        } else if (code.equals("EntryNotFound")) {
            fail = "file '" + path + "' is not in " + repoId + " at revision " + revision + "; check the path in the config or the --include pattern";
        } else if (r.status == 401 && hasToken && !code.equals("RepoNotFound")) {
            fail = "the Hub refused the token from " + tokenFrom + " (401): it is invalid or expired; create a new read token at "
                    + settings.endpoint() + "/settings/tokens and set HF_TOKEN";
        } else if (code.equals("RepoNotFound") || r.status == 401 || r.status == 404) {
            fail = "repository " + repoId + " was not found on " + settings.endpoint()
                    + (hasToken ? " (or your token cannot see it); check the name (org/name)"
                                : "; check the name (org/name), or set HF_TOKEN if it is private");
        } else if (r.status == 407) {
            fail = "the proxy in HTTPS_PROXY/HTTP_PROXY wants a login (407) and "
                    + (settings.proxies().credentials().isEmpty() ? "none was given" : "refused the one given")
                    + "; put the proxy's login in the variable, user:password followed by @ before the proxy's host (percent-encode special characters)";
        } else if (r.status == 416) {
            throw new RetryableException("the server refused a byte range (416) for " + what);
        } else {
            String msg = r.header("X-Error-Message").orElse("").strip();
            fail = "the Hub answered " + r.status + " for " + what + (msg.isEmpty() ? "" : " (" + settings.redact(msg) + ")")
                    + "; try again later or use a mirror with --endpoint";
        }
        throw new LauncherException(ExitCode.DOWNLOAD_FAILED, fail);
    }

    static Duration retryAfter(HubHttp.Response r) {
        Optional<String> header = r.header("Retry-After");
        if (header.isPresent()) {
            String v = header.get().strip();
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
                    return d.isNegative() ? Duration.ZERO : d;
                } catch (RuntimeException ignored) {
                    // Unparseable: fall through to RateLimit or the default.
                }
            }
        }
        Optional<String> rateLimit = r.header("RateLimit");
        if (rateLimit.isPresent()) {
            Matcher m = RATE_LIMIT_T.matcher(rateLimit.get());
            if (m.find()) {
                return Duration.ofSeconds(Long.parseLong(m.group(1)));
            }
        }
        return Duration.ofSeconds(5);
    }

    /** A connection-level failure, in words that say what to try next. */
    static boolean isNoNetwork(IOException e) {
        return e instanceof UnknownHostException || e instanceof ConnectException || e instanceof NoRouteToHostException;
    }

    static String describe(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "no bytes arrived within the idle timeout";
        }
        if (e instanceof SSLException) {
            return "TLS failed (" + e.getMessage() + "; behind a company proxy set SSL_CERT_FILE to its CA bundle)";
        }
        if (e instanceof InterruptedIOException) {
            return "interrupted";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
