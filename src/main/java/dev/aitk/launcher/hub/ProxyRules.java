package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.net.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY the way Python's requests and httpx read them (Java ignores these
 * variables unless told): the scheme picks the proxy, NO_PROXY lists hosts or domain suffixes that go direct.
 * Credentials in a proxy address ({@code http://user:pass@host:port}, percent-encoded as in a URL) are split off
 * into {@link Credentials}, which never prints them: the proxy addresses kept here carry no user or password.
 */
public record ProxyRules(Optional<URI> httpsProxy, Optional<URI> httpProxy, List<String> noProxy, Credentials credentials) {

    /** User and password per proxy address; {@code toString} names only the proxies, so no log or record shows them. */
    public static final class Credentials {
        private final Map<URI, PasswordAuthentication> byProxy;

        Credentials(Map<URI, PasswordAuthentication> byProxy) {
            this.byProxy = Map.copyOf(byProxy);
        }

        boolean isEmpty() {
            return byProxy.isEmpty();
        }

        Optional<PasswordAuthentication> forProxy(URI proxy) {
            return Optional.ofNullable(byProxy.get(proxy));
        }

        @Override
        public String toString() {
            return byProxy.isEmpty() ? "none" : "credentials for " + byProxy.keySet() + " (not shown)";
        }
    }

    static ProxyRules from(Environment env) {
        Map<URI, PasswordAuthentication> secrets = new HashMap<>();
        Optional<URI> https = first(env, "HTTPS_PROXY", "https_proxy").or(() -> first(env, "ALL_PROXY", "all_proxy"))
                .map(v -> parse(v, "HTTPS_PROXY", secrets));
        Optional<URI> http = first(env, "HTTP_PROXY", "http_proxy").or(() -> first(env, "ALL_PROXY", "all_proxy"))
                .map(v -> parse(v, "HTTP_PROXY", secrets));
        List<String> no = new ArrayList<>();
        first(env, "NO_PROXY", "no_proxy").ifPresent(v -> {
            for (String part : v.split(",")) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                if (!p.isEmpty()) {
                    no.add(p);
                }
            }
        });
        return new ProxyRules(https, http, List.copyOf(no), new Credentials(secrets));
    }

    private static Optional<String> first(Environment env, String upper, String lower) {
        return env.get(upper).or(() -> env.get(lower));
    }

    /** The proxy's address without credentials; the credentials, decoded, go into {@code secrets}. */
    private static URI parse(String value, String name, Map<URI, PasswordAuthentication> secrets) {
        String v = value.strip();
        if (!v.contains("://")) {
            v = "http://" + v;
        }
        try {
            URI uri = URI.create(v);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            URI bare = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), null, null, null);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
                secrets.put(bare, new PasswordAuthentication(user, password.toCharArray()));
            }
            return bare;
        } catch (IllegalArgumentException | URISyntaxException e) {
            // The value itself may hold a password: the sentence names only the variable.
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, name + " is not a proxy address (expected http://host:port "
                    + "or http://user:password@host:port); fix or unset it");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The proxy address (without credentials) a request URL goes through, if any. */
    Optional<URI> proxyUriFor(URI url) {
        if (proxyFor(url) == Proxy.NO_PROXY) {
            return Optional.empty();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? httpsProxy : httpProxy;
    }

    /** The proxy for one request URL: DIRECT when none applies or NO_PROXY matches the host. */
    public Proxy proxyFor(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        for (String rule : noProxy) {
            if (rule.equals("*")) {
                return Proxy.NO_PROXY;
            }
            String r = rule.startsWith(".") ? rule.substring(1) : rule;
            int colon = r.lastIndexOf(':');
            if (colon > 0 && r.indexOf(':') == colon) {
                r = r.substring(0, colon);
            }
            if (host.equals(r) || host.endsWith("." + r)) {
                return Proxy.NO_PROXY;
            }
        }
        Optional<URI> proxy = "https".equalsIgnoreCase(url.getScheme()) ? httpsProxy : httpProxy;
        return proxy.map(p -> new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(),
                p.getPort() > 0 ? p.getPort() : 80))).orElse(Proxy.NO_PROXY);
    }
}
