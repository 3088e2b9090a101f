package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The secrets issue 14 names, planted in a test's environment: a Hub token, a proxy password and a database
 * password inside URLs, an odd-named secret (MY_PASSWD, as the issue has it) and one whose variable name says
 * nothing a name filter could catch. A test plants them, runs commands, and checks every stream and every file
 * written for each value.
 */
public final class PlantedSecrets {
    public static final Map<String, String> VARIABLES = Map.of(
            "HF_TOKEN", "hf_PlantedTokenNeverShown",
            "HTTPS_PROXY", "http://alice:hunter2planted@proxy.invalid:3128",
            "DATABASE_URL", "postgres://bob:s3cr3tPlanted@db.invalid/runs",
            "MY_PASSWD", "oddNamedSecretPlanted",
            "BACKUP_PHRASE", "phraseNoNameFilterKnows");
    /** The secret part of each value (the proxy's and the database's password, not their host). */
    public static final List<String> VALUES = List.of("hf_PlantedTokenNeverShown", "hunter2planted", "s3cr3tPlanted",
            "oddNamedSecretPlanted", "phraseNoNameFilterKnows");

    private PlantedSecrets() {
    }

    /** {@code cli} with every planted variable set. */
    public static CliRun plantIn(CliRun cli) {
        VARIABLES.forEach(cli::env);
        return cli;
    }

    public static void assertAbsent(String text, String where) {
        for (String secret : VALUES) {
            assertThat(text).as(where + " holds a planted secret").doesNotContain(secret);
        }
    }

    /** Both streams of {@code r}. */
    public static void assertAbsent(CliRun.Result r, String command) {
        assertAbsent(r.out(), "stdout of " + command);
        assertAbsent(r.err(), "stderr of " + command);
    }

    /** Every regular file under {@code root}, read as bytes (UTF-8), holds none of the values; returns how many. */
    public static int assertAbsentUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            for (Path file : all) {
                assertAbsent(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file.toString());
            }
            return all.size();
        }
    }
}
