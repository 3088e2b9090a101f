package dev.aitk.launcher.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A certificate for localhost and 127.0.0.1 made for one test by the JDK's keytool (a child process), so no key or
 * certificate is checked in and none outlives the test: the server side as an SSLContext, the client side as a PEM
 * file for SSL_CERT_FILE / REQUESTS_CA_BUNDLE.
 */
final class SelfSignedCertificate {
    private static final String PASSWORD = "test-only";

    private final SSLContext serverContext;
    private final Path pem;

    private SelfSignedCertificate(SSLContext serverContext, Path pem) {
        this.serverContext = serverContext;
        this.pem = pem;
    }

    static SelfSignedCertificate create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve("hub.p12");
        Path pem = dir.resolve("hub-ca.pem");
        keytool(dir, "-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", "hub", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new SelfSignedCertificate(context, pem);
    }

    SSLContext serverContext() {
        return serverContext;
    }

    /** The certificate alone, PEM: what a client trusts. */
    Path pem() {
        return pem;
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
