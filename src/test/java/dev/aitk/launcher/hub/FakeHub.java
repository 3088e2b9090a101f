package dev.aitk.launcher.hub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Hugging Face Hub on 127.0.0.1, speaking raw HTTP/1.1 so faults are exact: the revision and paginated tree APIs,
 * HEAD/GET on resolve URLs (302 to a signed, expiring link on the "CDN" host {@code localhost} for LFS files, a
 * relative 307 to /api/resolve-cache for small ones), Range/206, the Hub's error codes, and injected faults (reset,
 * truncation, stall, wrong bytes, 429, 500, an expired link, Range ignored or answered with other bytes, a
 * per-connection bandwidth cap). Like the Hub of 2026 it can send LFS files over a bridge host that redirects again
 * to a second CDN host (another port: another origin), act as a mirror that serves blobs from its own origin and
 * wants the token there, and compress bodies for clients that do not ask for identity. It counts the body bytes it
 * sent per file, so "resumed without re-fetching" is measured. Given an SSLContext, both origins speak HTTPS.
 */
public final class FakeHub implements Closeable {
    /** The bytes of a file, readable at any offset without holding a gigabyte in memory. */
    public interface Content {
        long size();

        void copy(long offset, byte[] dst, int dstOff, int len);

        static Content of(byte[] bytes) {
            return new Content() {
                public long size() {
                    return bytes.length;
                }

                public void copy(long offset, byte[] dst, int dstOff, int len) {
                    System.arraycopy(bytes, (int) offset, dst, dstOff, len);
                }
            };
        }

        static Content of(String text) {
            return of(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Deterministic pseudo-random bytes: a shared random pattern read at a per-file offset. */
        static Content synthetic(long size, int salt) {
            return new Content() {
                public long size() {
                    return size;
                }

                public void copy(long offset, byte[] dst, int dstOff, int len) {
                    int done = 0;
                    while (done < len) {
                        int p = (int) ((offset + done + salt * 7919L) % PATTERN.length);
                        int n = Math.min(len - done, PATTERN.length - p);
                        System.arraycopy(PATTERN, p, dst, dstOff + done, n);
                        done += n;
                    }
                }
            };
        }
    }

    private static final byte[] PATTERN = new byte[(1 << 20) + 4099];

    static {
        new Random(42).nextBytes(PATTERN);
    }

    public static final class FakeFile {
        final String path;
        final Content content;
        final boolean lfs;
        final String sha256;
        final String gitOid;

        FakeFile(String path, Content content, boolean lfs) {
            this(path, content, lfs, digest("SHA-256", null, content));
        }

        /** A file whose checksum is given, not computed: for sizes no test could hash (the disk-space check). */
        FakeFile(String path, Content content, boolean lfs, String sha256) {
            this.path = path;
            this.content = content;
            this.lfs = lfs;
            this.sha256 = sha256;
            String blobOid = lfs ? null : digest("SHA-1", "blob " + content.size() + "\0", content);
            this.gitOid = lfs ? digest("SHA-1", null, Content.of("version https://git-lfs.github.com/spec/v1\noid sha256:"
                    + sha256 + "\nsize " + content.size() + "\n")) : blobOid;
        }

        public String etag() {
            return lfs ? sha256 : gitOid;
        }

        public long size() {
            return content.size();
        }
    }

    public static final class Repo {
        final String id;
        final String commit;
        final Map<String, FakeFile> files = new LinkedHashMap<>();
        String requiredToken;
        final List<String> branches = new ArrayList<>(List.of("main"));

        Repo(String id, String commit) {
            this.id = id;
            this.commit = commit;
        }

        /** Adds a file; files of 10 MB and more are LFS files, as the Hub stores weights. */
        public Repo file(String path, Content content) {
            files.put(path, new FakeFile(path, content, content.size() >= 10_000_000 || path.endsWith(".safetensors")));
            return this;
        }

        /** An LFS file that claims {@code sizeBytes} (never served in full; for the disk-space check). */
        public Repo hugeFile(String path, long sizeBytes) {
            files.put(path, new FakeFile(path, Content.synthetic(sizeBytes, 0), true, "ab".repeat(32)));
            return this;
        }

        public Repo file(String path, String text) {
            return file(path, Content.of(text));
        }

        public Repo gated(String token) {
            this.requiredToken = token;
            return this;
        }

        public String commit() {
            return commit;
        }

        public FakeFile get(String path) {
            return files.get(path);
        }
    }

    /**
     * EXPIRED answers 403 on the CDN host, as a signed blob URL does once it has expired (EXPIRED_400: the 400
     * some CDNs send instead); RANGE_IGNORED answers a ranged GET with 200 and the whole body; RANGE_SHIFTED
     * answers it with a 206 whose (honest) Content-Range starts one byte later than asked.
     */
    public enum FaultKind { RESET, TRUNCATE, STALL, WRONG_BYTES, STATUS_429, STATUS_500, EXPIRED, EXPIRED_400,
        RANGE_IGNORED, RANGE_SHIFTED }

    /** A fault for the next {@code times} matching requests: body GETs of {@code path}, or "api" for API calls and HEADs. */
    public static final class Fault {
        final String target;
        final FaultKind kind;
        final long afterBytes;
        final boolean closedRangesOnly;
        int remaining;

        Fault(String target, FaultKind kind, long afterBytes, int times, boolean closedRangesOnly) {
            this.target = target;
            this.kind = kind;
            this.afterBytes = afterBytes;
            this.remaining = times;
            this.closedRangesOnly = closedRangesOnly;
        }
    }

    /** One request as it arrived: {@code port} tells the Hub's origin from the second CDN host's. */
    public record Request(String method, String host, int port, String path, boolean authorized, String range,
                          String acceptEncoding) {
    }

    private final String scheme;
    private final ServerSocket server;
    private final ServerSocket secondCdn;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> bodyBytes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;
    private volatile boolean ignoreRanges;
    private volatile long bytesPerSecondPerConnection;
    private volatile int treePageSize = 3;
    private volatile long linkLifetimeMillis = 3_600_000;
    private volatile boolean bridge;
    private volatile boolean mirror;
    private volatile boolean compressUnlessIdentity;
    private final AtomicLong expiredLinksRefused = new AtomicLong();

    public FakeHub() throws IOException {
        this(null);
    }

    /** A Hub that speaks HTTPS on both its origins with {@code tls}'s certificate (null: plain HTTP). */
    public FakeHub(javax.net.ssl.SSLContext tls) throws IOException {
        javax.net.ServerSocketFactory sockets = tls == null ? javax.net.ServerSocketFactory.getDefault() : tls.getServerSocketFactory();
        scheme = tls == null ? "http" : "https";
        server = sockets.createServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
        secondCdn = sockets.createServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
        threads.execute(() -> acceptLoop(server));
        threads.execute(() -> acceptLoop(secondCdn));
    }

    /** The port of the second CDN host (the one the bridge redirects to). */
    public int secondCdnPort() {
        return secondCdn.getLocalPort();
    }

    /** How long a signed CDN link works after the Hub signed it (default an hour, as on the Hub). */
    public FakeHub linkLifetime(java.time.Duration lifetime) {
        linkLifetimeMillis = lifetime.toMillis();
        return this;
    }

    /** LFS files go Hub -> bridge host (S3-style signature) -> second CDN host (CloudFront-style), as in 2026. */
    public FakeHub overBridge(boolean value) {
        bridge = value;
        return this;
    }

    /** A mirror: LFS files are served from the endpoint's own origin, which wants the token for them too. */
    public FakeHub asMirror(boolean value) {
        mirror = value;
        return this;
    }

    /** Bodies go out gzip-compressed unless the request says Accept-Encoding: identity (as a CDN may). */
    public FakeHub compressUnlessIdentity(boolean value) {
        compressUnlessIdentity = value;
        return this;
    }

    /** CDN requests refused because the link's expiry time had passed. */
    public long expiredLinksRefused() {
        return expiredLinksRefused.get();
    }

    public String endpoint() {
        return scheme + "://127.0.0.1:" + server.getLocalPort();
    }

    public Repo repo(String id) {
        String commit = HexFormat.of().formatHex(sha("SHA-1", id.getBytes(StandardCharsets.UTF_8)));
        return repos.computeIfAbsent(id, k -> new Repo(id, commit));
    }

    /** Every repository this Hub serves. */
    java.util.Collection<Repo> repos() {
        return repos.values();
    }

    public FakeHub inject(String target, FaultKind kind, long afterBytes, int times) {
        faults.add(new Fault(target, kind, afterBytes, times, false));
        return this;
    }

    /** A fault only for requests with a closed range ({@code bytes=a-b}), as a proxy that breaks parallel ranged GETs. */
    public FakeHub injectOnClosedRanges(String target, FaultKind kind, long afterBytes, int times) {
        faults.add(new Fault(target, kind, afterBytes, times, true));
        return this;
    }

    public FakeHub ignoreRanges(boolean value) {
        ignoreRanges = value;
        return this;
    }

    public FakeHub capBandwidth(long bytesPerSecond) {
        bytesPerSecondPerConnection = bytesPerSecond;
        return this;
    }

    public FakeHub treePageSize(int n) {
        treePageSize = n;
        return this;
    }

    /** Body bytes sent for a file over all requests (resolve-cache and CDN). */
    public long bytesSent(String path) {
        AtomicLong n = bodyBytes.get(path);
        return n == null ? 0 : n.get();
    }

    public long totalBytesSent() {
        return bodyBytes.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void resetCounters() {
        bodyBytes.clear();
        requests.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        secondCdn.close();
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closing for shutdown.
                }
            }
        }
        threads.shutdownNow();
    }

    private void acceptLoop(ServerSocket listener) {
        while (!closed) {
            try {
                Socket s = listener.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                String line;
                while ((line = readLine(in)) != null && !line.isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                    }
                }
                String[] parts = requestLine.split(" ");
                if (parts.length < 2) {
                    return;
                }
                Exchange ex = new Exchange(socket, out, parts[0], parts[1], headers);
                requests.add(new Request(ex.method, ex.host(), socket.getLocalPort(), ex.target, headers.containsKey("authorization"),
                        headers.get("range"), headers.get("accept-encoding")));
                boolean keepAlive = handle(ex);
                out.flush();
                if (!keepAlive || "close".equalsIgnoreCase(headers.get("connection"))) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // The client went away; nothing to do.
        } finally {
            open.remove(socket);
        }
    }

    /** One HTTP header line (CRLF or LF), or null at the end of the stream; LoginProxy reads with it too. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private final class Exchange {
        final Socket socket;
        final OutputStream out;
        final String method;
        final String target;
        final String path;
        final String query;
        final Map<String, String> headers;

        Exchange(Socket socket, OutputStream out, String method, String target, Map<String, String> headers) {
            this.socket = socket;
            this.out = out;
            this.method = method;
            this.target = target;
            int q = target.indexOf('?');
            this.path = q < 0 ? target : target.substring(0, q);
            this.query = q < 0 ? "" : target.substring(q + 1);
            this.headers = headers;
        }

        String host() {
            String h = headers.getOrDefault("host", "");
            int colon = h.lastIndexOf(':');
            return colon > 0 ? h.substring(0, colon) : h;
        }

        String token() {
            String a = headers.get("authorization");
            return a != null && a.startsWith("Bearer ") ? a.substring(7) : null;
        }

        void respond(int status, Map<String, String> extra, byte[] body) throws IOException {
            StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            Map<String, String> h = new LinkedHashMap<>(extra);
            h.putIfAbsent("Content-Length", Integer.toString(body.length));
            h.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            sb.append("\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!method.equals("HEAD")) {
                out.write(body);
            }
        }

        void error(int status, String code, String message) throws IOException {
            Map<String, String> h = new LinkedHashMap<>();
            if (code != null) {
                h.put("X-Error-Code", code);
            }
            h.put("X-Error-Message", message);
            h.put("Content-Type", "application/json");
            respond(status, h, ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 302 -> "Found";
            case 307 -> "Temporary Redirect";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            default -> "Status";
        };
    }

    private Fault takeFault(String target, String range) {
        boolean closedRange = range != null && !range.endsWith("-");
        synchronized (faults) {
            for (Fault f : faults) {
                if (f.remaining > 0 && f.target.equals(target) && (!f.closedRangesOnly || closedRange)) {
                    f.remaining--;
                    return f;
                }
            }
        }
        return null;
    }

    /** Returns whether the connection may be kept alive. */
    private boolean handle(Exchange ex) throws IOException {
        String p = URLDecoder.decode(ex.path, StandardCharsets.UTF_8);
        boolean api = p.startsWith("/api/models/") || ex.method.equals("HEAD");
        if (api) {
            Fault f = takeFault("api", null);
            if (f != null && statusFault(ex, f)) {
                return true;
            }
        }
        if (p.startsWith("/api/models/")) {
            return handleApi(ex, p.substring("/api/models/".length()));
        }
        if (p.startsWith("/api/resolve-cache/models/")) {
            String[] s = p.substring("/api/resolve-cache/models/".length()).split("/", 4);
            Repo repo = repos.get(s[0] + "/" + s[1]);
            FakeFile file = repo == null ? null : repo.files.get(s[3]);
            if (file == null) {
                ex.error(404, "EntryNotFound", "Entry not found");
                return true;
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("ETag", "\"" + file.gitOid + "\"");
            h.put("X-Repo-Commit", repo.commit);
            return serveBody(ex, file, h);
        }
        if (p.startsWith("/cdn/") || p.startsWith("/bridge/")) {
            return handleCdn(ex, p);
        }
        int resolve = p.indexOf("/resolve/");
        if (resolve > 0) {
            String repoId = p.substring(1, resolve);
            String[] rest = p.substring(resolve + "/resolve/".length()).split("/", 2);
            Repo repo = repos.get(repoId);
            if (repo == null) {
                ex.error(ex.token() == null ? 401 : 404, "RepoNotFound", "Repository not found");
                return true;
            }
            if (repo.requiredToken != null && !repo.requiredToken.equals(ex.token())) {
                ex.error(ex.token() == null ? 401 : 403, "GatedRepo", "Access to model " + repoId + " is restricted");
                return true;
            }
            if (!rest[0].equals(repo.commit) && !repo.branches.contains(rest[0])) {
                ex.error(404, "RevisionNotFound", "Invalid rev id: " + rest[0]);
                return true;
            }
            FakeFile file = rest.length < 2 ? null : repo.files.get(rest[1]);
            if (file == null) {
                ex.error(404, "EntryNotFound", "Entry not found");
                return true;
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("X-Repo-Commit", repo.commit);
            if (file.lfs) {
                h.put("ETag", "\"" + file.gitOid + "\"");
                h.put("X-Linked-Etag", "\"" + file.sha256 + "\"");
                h.put("X-Linked-Size", Long.toString(file.size()));
                h.put("Location", mirror ? endpoint() + "/cdn/" + file.sha256 + "?" + cloudFrontSignature()
                        : bridge ? scheme + "://localhost:" + server.getLocalPort() + "/bridge/" + file.sha256 + "?" + s3Signature()
                        : scheme + "://localhost:" + server.getLocalPort() + "/cdn/" + file.sha256 + "?" + cloudFrontSignature());
                ex.respond(302, h, new byte[0]);
            } else {
                h.put("Location", "/api/resolve-cache/models/" + repoId + "/" + repo.commit + "/" + encodePath(file.path));
                ex.respond(307, h, new byte[0]);
            }
            return true;
        }
        ex.error(404, null, "not found: " + p);
        return true;
    }

    /** CloudFront's form: Expires=epoch seconds. */
    private String cloudFrontSignature() {
        long expires = (System.currentTimeMillis() + linkLifetimeMillis + 999) / 1000;
        return "Expires=" + expires + "&Signature=fake-signature~&Key-Pair-Id=KFAKE";
    }

    /** S3's presigned form: X-Amz-Date (UTC, to the second) plus X-Amz-Expires seconds. */
    private String s3Signature() {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(System.currentTimeMillis() / 1000 * 1000));
        return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=" + date + "&X-Amz-Expires=" + Math.max(1, linkLifetimeMillis / 1000)
                + "&X-Amz-SignedHeaders=host&X-Amz-Signature=fake";
    }

    /** Whether the signed link's time is up, read the way the CDN reads it. */
    private boolean linkExpired(String query) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                q.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        long now = System.currentTimeMillis();
        if (q.containsKey("Expires")) {
            return now > Long.parseLong(q.get("Expires")) * 1000;
        }
        if (q.containsKey("X-Amz-Date")) {
            java.time.Instant signed = java.time.LocalDateTime.parse(q.get("X-Amz-Date"),
                    java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(java.time.ZoneOffset.UTC);
            return now > signed.toEpochMilli() + Long.parseLong(q.get("X-Amz-Expires")) * 1000;
        }
        return true;
    }

    private boolean handleCdn(Exchange ex, String p) throws IOException {
        boolean viaBridge = p.startsWith("/bridge/");
        String sha = p.substring(p.indexOf('/', 1) + 1);
        if (linkExpired(ex.query)) {
            expiredLinksRefused.incrementAndGet();
            ex.error(403, null, "Request has expired");
            return true;
        }
        for (Repo repo : repos.values()) {
            for (FakeFile f : repo.files.values()) {
                if (f.lfs && f.sha256.equals(sha)) {
                    if (mirror && repo.requiredToken != null && !repo.requiredToken.equals(ex.token())) {
                        ex.error(401, "GatedRepo", "the mirror wants the token for blobs too");
                        return true;
                    }
                    if (viaBridge) {
                        Map<String, String> h = new LinkedHashMap<>();
                        h.put("Location", scheme + "://127.0.0.1:" + secondCdn.getLocalPort() + "/cdn/" + sha + "?" + cloudFrontSignature());
                        ex.respond(302, h, new byte[0]);
                        return true;
                    }
                    return serveBody(ex, f, new LinkedHashMap<>());
                }
            }
        }
        ex.error(404, null, "no such object");
        return true;
    }

    private static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/")) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(java.net.URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }

    private boolean statusFault(Exchange ex, Fault f) throws IOException {
        if (f.kind == FaultKind.STATUS_429) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Retry-After", Long.toString(f.afterBytes));
            h.put("X-Error-Message", "rate limited");
            ex.respond(429, h, new byte[0]);
            return true;
        }
        if (f.kind == FaultKind.EXPIRED || f.kind == FaultKind.EXPIRED_400) {
            ex.error(f.kind == FaultKind.EXPIRED ? 403 : 400, null, "Request has expired");
            return true;
        }
        if (f.kind == FaultKind.STATUS_500) {
            ex.error(500, null, "Internal Error");
            return true;
        }
        return false;
    }

    private boolean handleApi(Exchange ex, String rest) throws IOException {
        int revision = rest.indexOf("/revision/");
        int tree = rest.indexOf("/tree/");
        String repoId = rest.substring(0, revision > 0 ? revision : tree > 0 ? tree : rest.length());
        Repo repo = repos.get(repoId);
        if (repo == null) {
            ex.error(ex.token() == null ? 401 : 404, "RepoNotFound", "Repository not found");
            return true;
        }
        String rev = revision > 0 ? rest.substring(revision + "/revision/".length()) : tree > 0 ? rest.substring(tree + "/tree/".length()) : "main";
        if (!rev.equals(repo.commit) && !repo.branches.contains(rev)) {
            ex.error(404, "RevisionNotFound", "Invalid rev id: " + rev);
            return true;
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        if (revision > 0) {
            StringBuilder sb = new StringBuilder("{\"id\":\"" + repo.id + "\",\"sha\":\"" + repo.commit + "\",\"private\":false,\"gated\":"
                    + (repo.requiredToken != null ? "\"manual\"" : "false") + ",\"siblings\":[");
            int i = 0;
            for (FakeFile f : repo.files.values()) {
                sb.append(i++ > 0 ? "," : "").append("{\"rfilename\":\"").append(f.path).append("\"}");
            }
            ex.respond(200, h, sb.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            return true;
        }
        int cursor = 0;
        for (String kv : ex.query.split("&")) {
            if (kv.startsWith("cursor=")) {
                cursor = Integer.parseInt(kv.substring(7));
            }
        }
        List<FakeFile> all = new ArrayList<>(repo.files.values());
        int end = Math.min(all.size(), cursor + treePageSize);
        StringBuilder sb = new StringBuilder("[");
        for (int i = cursor; i < end; i++) {
            FakeFile f = all.get(i);
            sb.append(i > cursor ? "," : "").append("{\"type\":\"file\",\"oid\":\"").append(f.gitOid).append("\",\"size\":")
                    .append(f.size()).append(",\"path\":\"").append(f.path.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            if (f.lfs) {
                sb.append(",\"lfs\":{\"oid\":\"").append(f.sha256).append("\",\"size\":").append(f.size()).append(",\"pointerSize\":134}");
            }
            sb.append('}');
        }
        sb.append(']');
        if (end < all.size()) {
            h.put("Link", "<" + endpoint() + "/api/models/" + repoId + "/tree/" + rev + "?recursive=true&expand=false&cursor=" + end + ">; rel=\"next\"");
        }
        ex.respond(200, h, sb.toString().getBytes(StandardCharsets.UTF_8));
        return true;
    }

    private boolean serveBody(Exchange ex, FakeFile file, Map<String, String> h) throws IOException {
        long size = file.size();
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = ex.headers.get("range");
        Fault fault = ex.method.equals("GET") ? takeFault(file.path, range) : null;
        if (fault != null && statusFault(ex, fault)) {
            return true;
        }
        boolean rangeIgnored = fault != null && fault.kind == FaultKind.RANGE_IGNORED;
        if (range != null && !ignoreRanges && !rangeIgnored && range.startsWith("bytes=")) {
            String[] r = range.substring(6).split("-", -1);
            from = Long.parseLong(r[0]) + (fault != null && fault.kind == FaultKind.RANGE_SHIFTED ? 1 : 0);
            to = r[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(r[1]));
            if (from >= size && size > 0) {
                h.put("Content-Range", "bytes */" + size);
                ex.error(416, null, "Range not satisfiable");
                return true;
            }
            status = 206;
            h.put("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        h.put("Accept-Ranges", "bytes");
        h.put("Content-Length", Long.toString(Math.max(0, to - from + 1)));
        String accepted = ex.headers.getOrDefault("accept-encoding", "*");
        if (compressUnlessIdentity && ex.method.equals("GET") && !accepted.strip().equalsIgnoreCase("identity")) {
            return serveCompressed(ex, file, from, to, status, h);
        }
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        h.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        ex.out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (ex.method.equals("HEAD")) {
            return true;
        }
        AtomicLong counter = bodyBytes.computeIfAbsent(file.path, k -> new AtomicLong());
        byte[] buf = new byte[64 * 1024];
        long sent = 0;
        long total = to - from + 1;
        long started = System.nanoTime();
        long cap = bytesPerSecondPerConnection;
        while (sent < total) {
            if (fault != null && sent >= fault.afterBytes) {
                ex.out.flush();
                switch (fault.kind) {
                    case RESET -> {
                        ex.socket.setSoLinger(true, 0);
                        ex.socket.close();
                        return false;
                    }
                    case TRUNCATE -> {
                        ex.socket.shutdownOutput();
                        return false;
                    }
                    case STALL -> {
                        stall(ex.socket);
                        return false;
                    }
                    default -> {
                    }
                }
            }
            int n = (int) Math.min(buf.length, total - sent);
            if (fault != null && fault.kind != FaultKind.WRONG_BYTES && sent < fault.afterBytes) {
                n = (int) Math.min(n, fault.afterBytes - sent);
            }
            file.content.copy(from + sent, buf, 0, n);
            if (fault != null && fault.kind == FaultKind.WRONG_BYTES && fault.afterBytes >= sent && fault.afterBytes < sent + n) {
                buf[(int) (fault.afterBytes - sent)] ^= 0x5A;
            }
            try {
                ex.out.write(buf, 0, n);
            } catch (SocketException e) {
                return false;
            }
            sent += n;
            counter.addAndGet(n);
            if (cap > 0) {
                long dueNanos = (long) (sent * 1e9 / cap);
                long sleep = dueNanos - (System.nanoTime() - started);
                if (sleep > 1_000_000) {
                    try {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    } catch (InterruptedException e) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The range gzip-compressed (held in memory: only for small test files), as a CDN sends it when allowed to. */
    private boolean serveCompressed(Exchange ex, FakeFile file, long from, long to, int status, Map<String, String> h) throws IOException {
        byte[] plain = new byte[(int) (to - from + 1)];
        file.content.copy(from, plain, 0, plain.length);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            gz.write(plain);
        }
        h.put("Content-Encoding", "gzip");
        h.put("Content-Length", Integer.toString(zipped.size()));
        bodyBytes.computeIfAbsent(file.path, k -> new AtomicLong()).addAndGet(zipped.size());
        ex.respond(status, h, zipped.toByteArray());
        return true;
    }

    /** Holds the connection open without sending, until the client gives up or the hub closes. */
    private void stall(Socket socket) {
        try {
            socket.setSoTimeout(100);
            InputStream in = socket.getInputStream();
            while (!closed && !socket.isClosed()) {
                try {
                    if (in.read() < 0) {
                        return;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // Still connected: keep stalling.
                }
            }
        } catch (IOException ignored) {
            // The client dropped the connection: the stall is over.
        }
    }

    static byte[] sha(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String digest(String algorithm, String prefix, Content content) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                md.update(prefix.getBytes(StandardCharsets.US_ASCII));
            }
            byte[] buf = new byte[1 << 20];
            for (long off = 0; off < content.size(); off += buf.length) {
                int n = (int) Math.min(buf.length, content.size() - off);
                content.copy(off, buf, 0, n);
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
