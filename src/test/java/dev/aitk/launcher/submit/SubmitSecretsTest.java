package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit hands secrets to the jobs through the environment (--export=ALL), never through what it writes or
 * prints: a token, a proxy password, a database URL and an odd-named secret planted in the environment appear
 * in no file of the submission and in no stream.
 */
class SubmitSecretsTest {
    static final Map<String, String> PLANTED = Map.of(
            "HF_TOKEN", "hf_PlantedTokenNeverShown",
            "HTTPS_PROXY", "http://alice:hunter2planted@proxy.invalid:3128",
            "DATABASE_URL", "postgres://bob:s3cr3tPlanted@db.invalid/runs",
            "MY_PASSWD", "oddNamedSecretPlanted");
    static final List<String> SECRETS = List.of("hf_PlantedTokenNeverShown", "hunter2planted", "s3cr3tPlanted",
            "oddNamedSecretPlanted");

    @TempDir
    Path tmp;

    @Test
    void aDryRunWritesAndPrintsNoSecret() throws Exception {
        FakeSlurm slurm = new FakeSlurm(tmp);
        Path config = tmp.resolve("a.yaml");
        Files.writeString(config, "job: extension\nconfig:\n  name: a\n  process:\n    - type: sd_trainer\n"
                + "      training_folder: output\n      datasets:\n        - folder_path: /data/images\n"
                + "      model:\n        name_or_path: black-forest-labs/FLUX.1-dev\n");
        CliRun cli = CliRun.in(tmp).env("PATH", slurm.path()).env("HF_HUB_OFFLINE", "1");
        PLANTED.forEach(cli::env);
        Path out = tmp.resolve("loras");

        List<CliRun.Result> runs = List.of(
                cli.run("submit", "--output", out.toString(), "--array", config.toString(), "--dry-run",
                        "--launcher", Scripts.recordingLauncher(tmp.resolve("bin"), tmp.resolve("argv")).toString(),
                        "--gpu-memory", "80GB", "--verbose"),
                cli.run("submit", "--output", out.toString(), "--array", config.toString(), "--dry-run", "--json",
                        "--launcher", tmp.resolve("bin/launcher").toString()),
                cli.run("status", "--output", out.toString(), "--json"));

        for (CliRun.Result r : runs) {
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertNoSecret(r.out() + r.err(), "the output");
        }
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertNoSecret(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file.toString());
            }
        }
    }

    static void assertNoSecret(String text, String where) {
        for (String secret : SECRETS) {
            assertThat(text).as(where).doesNotContain(secret);
        }
    }
}
