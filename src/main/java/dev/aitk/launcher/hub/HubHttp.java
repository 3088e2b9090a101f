package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP layer. HttpURLConnection rather than java.net.http: its read timeout applies to every socket
 * read, which is exactly the idle timeout a stalled body needs (java.net.http stops timing once headers
 * arrive), and blocking reads cost less CPU per byte than the async client on a small machine.
 * Redirects are followed by hand so the token is only ever sent to the endpoint's own host.
 */
final class HubHttp {
    private static final int MAX_REDIRECTS = 10;

    static {
        // The JDK keeps only 5 idle connections per host by default; with 16 parallel ranges the rest would
        // reconnect (a TLS handshake) for every chunk. Read once when the pool is first used; a user setting wins.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
        // The JDK refuses Basic for the CONNECT tunnel to an HTTPS proxy unless told; a proxy of HTTPS_PROXY with
        // credentials (http://user:pass@host) needs exactly that. A user setting wins.
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
    }
    private static final String USER_AGENT = "aitk-launcher/0.1; hf_hub-compatible";

    private final HubSettings settings;
    private final int connectTimeoutMillis;
    private final int idleTimeoutMillis;
    /**
     * Built on the first HTTPS connection, not up front: reading the JDK's roots and a system bundle of ~150 PEM
     * certificates costs a third of a second of CPU on a small machine, wasted on a plain-HTTP mirror or a cached run.
     */
    private volatile SSLSocketFactory sslSocketFactory;

    HubHttp(HubSettings settings, Duration connectTimeout, Duration idleTimeout) {
        this.settings = settings;
        this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
        this.idleTimeoutMillis = Math.toIntExact(idleTimeout.toMillis());
    }

    Duration idleTimeout() {
        return Duration.ofMillis(idleTimeoutMillis);
    }

    /** A response with its body still open; close it to return the connection to the keep-alive pool. */
    static final class Response implements Closeable {
        private final HttpURLConnection connection;
        final int status;
        final URI url;

        Response(HttpURLConnection connection, int status, URI url) {
            this.connection = connection;
            this.status = status;
            this.url = url;
        }

        Optional<String> header(String name) {
            return Optional.ofNullable(connection.getHeaderField(name)).filter(v -> !v.isEmpty());
        }

        long contentLength() {
            return connection.getContentLengthLong();
        }

        InputStream body() throws IOException {
            return status >= 400 ? Objects.requireNonNullElse(connection.getErrorStream(), InputStream.nullInputStream())
                    : connection.getInputStream();
        }

        /** Drops the connection instead of draining it: used when a body is abandoned mid-way. */
        void abort() {
            connection.disconnect();
        }

        @Override
        public void close() {
            try {
                body().close();
            } catch (IOException ignored) {
                // Closing a broken stream fails the same way the read did; the read already reported it.
            }
        }
    }

    /**
     * Sends one request. {@code followAllRedirects} false follows only relative redirects,
     * as huggingface_hub does for HEAD, so the caller sees the Hub's 302 with its X-Linked-* headers.
     * A range of {@code from < 0} sends no Range header; {@code to < 0} is an open-ended range.
     */
    Response send(String method, URI url, long from, long to, boolean followAllRedirects) throws IOException {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = open(current);
            c.setRequestMethod(method);
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout(connectTimeoutMillis);
            c.setReadTimeout(idleTimeoutMillis);
            c.setUseCaches(false);
            c.setRequestProperty("User-Agent", USER_AGENT);
            c.setRequestProperty("Accept-Encoding", "identity");
            if (from >= 0) {
                c.setRequestProperty("Range", "bytes=" + from + "-" + (to >= 0 ? Long.toString(to) : ""));
            }
            if (sameOrigin(current, settings.endpoint())) {
                settings.token().ifPresent(t -> c.setRequestProperty("Authorization", "Bearer " + t));
            }
            int status = c.getResponseCode();
            Response response = new Response(c, status, current);
            if (status < 300 || status >= 400 || status == 304) {
                return response;
            }
            Optional<String> location = response.header("Location");
            if (location.isEmpty()) {
                return response;
            }
            String where = location.get().strip();
            URI next = current.resolve(where);
            // Like huggingface_hub, a HEAD follows only relative redirects: an absolute one, even to the same host
            // (a mirror serving its own blobs), carries the X-Linked-* headers the caller needs.
            boolean relative = !where.startsWith("//") && !where.contains("://");
            if (!followAllRedirects && !(relative && sameOrigin(next, current))) {
                return response;
            }
            response.close();
            current = next;
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + url.getHost());
    }

    private HttpURLConnection open(URI url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection(settings.proxies().proxyFor(url));
        Optional<PasswordAuthentication> login = settings.proxies().proxyUriFor(url).flatMap(p -> settings.proxies().credentials().forProxy(p));
        if (login.isPresent()) {
            PasswordAuthentication pa = login.get();
            if (!"https".equalsIgnoreCase(url.getScheme())) {
                // Plain HTTP through the proxy: send it up front instead of after a 407 for every new connection.
                String basic = pa.getUserName() + ":" + new String(pa.getPassword());
                c.setRequestProperty("Proxy-Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            // HTTPS goes through a CONNECT tunnel, whose 407 the JDK answers with this (per connection, not global).
            c.setAuthenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return getRequestorType() == RequestorType.PROXY ? pa : null;
                }
            });
        }
        if (c instanceof HttpsURLConnection https && settings.caBundle().isPresent()) {
            https.setSSLSocketFactory(sslSocketFactory());
        }
        return c;
    }

    private SSLSocketFactory sslSocketFactory() {
        SSLSocketFactory f = sslSocketFactory;
        if (f == null) {
            synchronized (this) {
                f = sslSocketFactory;
                if (f == null) {
                    f = socketFactoryWith(settings.caBundle().orElseThrow());
                    sslSocketFactory = f;
                }
            }
        }
        return f;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equals(u.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }

    /** The JDK's trusted roots plus every certificate in the bundle (a company proxy's CA, for instance). */
    private static SSLSocketFactory socketFactoryWith(Path bundle) {
        try (InputStream in = Files.newInputStream(bundle)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (var tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate cert : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, cert);
                    }
                }
            }
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("bundle-" + n++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot read the CA bundle " + bundle
                    + " named by SSL_CERT_FILE/REQUESTS_CA_BUNDLE (" + e.getClass().getSimpleName()
                    + "); point it at a PEM file of certificates or unset it");
        }
    }
}
