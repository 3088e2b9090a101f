package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How to reach the Hub, read the way huggingface_hub reads it: endpoint, token, offline switch, symlink
 * switch, proxies and CA bundle, all from the {@link Environment}. The token never appears in toString.
 */
public final class HubSettings {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private final URI endpoint;
    private final String token;
    private final String tokenSource;
    private final boolean offline;
    private final boolean symlinksDisabled;
    private final ProxyRules proxies;
    private final Optional<Path> caBundle;

    public HubSettings(URI endpoint, String token, String tokenSource, boolean offline, boolean symlinksDisabled,
                       ProxyRules proxies, Optional<Path> caBundle) {
        this.endpoint = endpoint;
        this.token = token;
        this.tokenSource = tokenSource;
        this.offline = offline;
        this.symlinksDisabled = symlinksDisabled;
        this.proxies = proxies;
        this.caBundle = caBundle;
    }

    /** Reads the settings from the environment; {@code endpointOverride} (--endpoint) wins over HF_ENDPOINT. */
    public static HubSettings from(Environment env, Optional<String> endpointOverride) {
        String raw = endpointOverride.or(() -> env.get("HF_ENDPOINT")).orElse(DEFAULT_ENDPOINT);
        URI endpoint = parseEndpoint(raw, endpointOverride.isPresent() ? "--endpoint" : "HF_ENDPOINT");
        String token = null;
        String tokenSource = null;
        if (env.get("HF_TOKEN").isPresent()) {
            token = env.get("HF_TOKEN").get().strip();
            tokenSource = "HF_TOKEN";
        } else if (env.get("HUGGING_FACE_HUB_TOKEN").isPresent()) {
            token = env.get("HUGGING_FACE_HUB_TOKEN").get().strip();
            tokenSource = "HUGGING_FACE_HUB_TOKEN";
        } else {
            Path file = env.get("HF_TOKEN_PATH").map(p -> env.resolve(Path.of(p)))
                    .orElse(HubCache.hfHome(env).resolve("token"));
            if (Files.isRegularFile(file)) {
                try {
                    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (!text.isEmpty()) {
                        token = text;
                        tokenSource = "token file " + file;
                    }
                } catch (IOException e) {
                    throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "cannot read the Hugging Face token file "
                            + file + " (" + e.getClass().getSimpleName() + "); fix its permissions or set HF_TOKEN");
                }
            }
        }
        Optional<Path> ca = env.get("SSL_CERT_FILE").or(() -> env.get("REQUESTS_CA_BUNDLE")).or(() -> env.get("CURL_CA_BUNDLE"))
                .map(p -> env.resolve(Path.of(p)));
        return new HubSettings(endpoint, token, tokenSource, truthy(env.get("HF_HUB_OFFLINE")),
                truthy(env.get("HF_HUB_DISABLE_SYMLINKS")), ProxyRules.from(env), ca);
    }

    static URI parseEndpoint(String raw, String where) {
        String trimmed = raw.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = URI.create(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new LauncherException(ExitCode.USAGE, where + " '" + raw
                    + "' is not a usable Hub address; give an http(s) URL such as " + DEFAULT_ENDPOINT);
        }
    }

    static boolean truthy(Optional<String> value) {
        return value.map(v -> switch (v.strip().toUpperCase(Locale.ROOT)) {
            case "1", "ON", "YES", "TRUE" -> true;
            default -> false;
        }).orElse(false);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The bearer token, for the HTTP layer only; never print it. */
    Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** Where the token came from (a variable name or the token file's path), safe to show. */
    public Optional<String> tokenSource() {
        return Optional.ofNullable(tokenSource);
    }

    public boolean offline() {
        return offline;
    }

    public boolean symlinksDisabled() {
        return symlinksDisabled;
    }

    public ProxyRules proxies() {
        return proxies;
    }

    public Optional<Path> caBundle() {
        return caBundle;
    }

    /** Removes the token from any text a server or exception produced, before it is shown anywhere. */
    String redact(String text) {
        if (text == null || token == null || token.isEmpty()) {
            return text;
        }
        return text.replace(token, "***");
    }

    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "from " + tokenSource)
                + ", offline=" + offline + "]";
    }
}
