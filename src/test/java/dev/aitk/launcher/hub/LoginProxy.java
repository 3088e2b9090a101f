package dev.aitk.launcher.hub;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP forward proxy on 127.0.0.1 that wants a login, as company proxies do: a request without the right
 * {@code Proxy-Authorization: Basic} gets 407 with {@code Proxy-Authenticate}; the others are forwarded (one request
 * per connection) to the origin the absolute URL names, with the proxy's own headers removed. A {@code CONNECT}
 * (how HTTPS goes through a proxy) with the right login gets 200 and a byte tunnel to the host and port it names.
 */
final class LoginProxy implements Closeable {
    private final ServerSocket server;
    private final String expected;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "login-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();

    LoginProxy(String user, String password) throws IOException {
        this.expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    int forwarded() {
        return forwarded.get();
    }

    int refused() {
        return refused.get();
    }

    /** CONNECT tunnels opened: each one had the right login. */
    int tunnels() {
        return tunnels.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String requestLine = FakeHub.readLine(in);
            if (requestLine == null) {
                return;
            }
            List<String> headers = new ArrayList<>();
            String auth = null;
            for (String h = FakeHub.readLine(in); h != null && !h.isEmpty(); h = FakeHub.readLine(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("proxy-authorization:")) {
                    auth = h.substring(h.indexOf(':') + 1).strip();
                } else if (!lower.startsWith("proxy-connection:") && !lower.startsWith("connection:")) {
                    headers.add(h);
                }
            }
            if (!expected.equals(auth)) {
                refused.incrementAndGet();
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            String[] parts = requestLine.split(" ");
            if (parts[0].equals("CONNECT")) {
                tunnel(client, in, out, parts[1]);
                return;
            }
            URI target = URI.create(parts[1]);
            forwarded.incrementAndGet();
            try (Socket origin = new Socket(target.getHost(), target.getPort())) {
                StringBuilder sb = new StringBuilder(parts[0]).append(' ').append(target.getRawPath())
                        .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery()).append(" HTTP/1.1\r\n");
                headers.forEach(h -> sb.append(h).append("\r\n"));
                sb.append("Connection: close\r\n\r\n");
                origin.getOutputStream().write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
                origin.getOutputStream().flush();
                origin.getInputStream().transferTo(out);
                out.flush();
            }
        } catch (IOException ignored) {
            // The client or the origin went away; the client sees a broken connection and retries.
        }
    }

    /** Answers a CONNECT with 200 and copies bytes both ways until either side closes. */
    private void tunnel(Socket client, InputStream in, OutputStream out, String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        try (Socket origin = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))) {
            tunnels.incrementAndGet();
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            threads.execute(() -> {
                try {
                    origin.getInputStream().transferTo(out);
                    client.shutdownOutput();
                } catch (IOException ignored) {
                    // Either side went away; the other copy ends too.
                }
            });
            in.transferTo(origin.getOutputStream());
            origin.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
