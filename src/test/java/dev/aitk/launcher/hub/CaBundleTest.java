package dev.aitk.launcher.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA bundle of SSL_CERT_FILE is read on the first HTTPS connection, not up front (parsing a system bundle costs a
 * third of a second of CPU): a plain-HTTP mirror never reads it, and a broken one still gets its sentence before any
 * byte is sent.
 */
class CaBundleTest {
    @TempDir
    Path home;

    private HubHttp httpWithBundle(Path bundle) {
        Environment env = Environment.of(Map.of("SSL_CERT_FILE", bundle.toString()), home, home);
        return new HubHttp(HubSettings.from(env, Optional.empty()), Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void aPlainHttpEndpointNeverReadsTheBundle() throws IOException {
        Path broken = Files.writeString(home.resolve("broken.pem"), "not a certificate");
        try (FakeHub hub = new FakeHub()) {
            hub.repo("org/model").file("config.json", "{}");
            HubHttp.Response r = httpWithBundle(broken).send("GET",
                    URI.create(hub.endpoint() + "/org/model/resolve/main/config.json"), -1, -1, true);
            assertThat(r.status).isEqualTo(200);
            r.close();
        }
    }

    @Test
    void aBrokenBundleIsOneSentenceAtTheFirstHttpsConnection() throws IOException {
        Path broken = Files.writeString(home.resolve("broken.pem"), "not a certificate");
        assertThatThrownBy(() -> httpWithBundle(broken).send("GET", URI.create("https://127.0.0.1:9/x"), -1, -1, true))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("cannot read the CA bundle " + broken)
                .hasMessageContaining("SSL_CERT_FILE")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED));
    }
}
