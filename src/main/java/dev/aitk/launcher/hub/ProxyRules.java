package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY the way Python's requests and httpx read them (Java ignores these
 * variables unless told): the scheme picks the proxy, NO_PROXY lists hosts or domain suffixes that go direct.
 */
public record ProxyRules(Optional<URI> httpsProxy, Optional<URI> httpProxy, List<String> noProxy) {

    static ProxyRules from(Environment env) {
        Optional<URI> https = first(env, "HTTPS_PROXY", "https_proxy").or(() -> first(env, "ALL_PROXY", "all_proxy"))
                .map(v -> parse(v, "HTTPS_PROXY"));
        Optional<URI> http = first(env, "HTTP_PROXY", "http_proxy").or(() -> first(env, "ALL_PROXY", "all_proxy"))
                .map(v -> parse(v, "HTTP_PROXY"));
        List<String> no = new ArrayList<>();
        first(env, "NO_PROXY", "no_proxy").ifPresent(v -> {
            for (String part : v.split(",")) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                if (!p.isEmpty()) {
                    no.add(p);
                }
            }
        });
        return new ProxyRules(https, http, List.copyOf(no));
    }

    private static Optional<String> first(Environment env, String upper, String lower) {
        return env.get(upper).or(() -> env.get(lower));
    }

    private static URI parse(String value, String name) {
        String v = value.strip();
        if (!v.contains("://")) {
            v = "http://" + v;
        }
        try {
            URI uri = URI.create(v);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, name + " is not a proxy address (expected http://host:port); fix or unset it");
        }
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
