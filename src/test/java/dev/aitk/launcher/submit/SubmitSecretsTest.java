package dev.aitk.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.cli.PlantedSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit hands secrets to the jobs through the environment (--export=ALL), never through what it writes or
 * prints: a token, a proxy password, a database URL and an odd-named secret planted in the environment appear
 * in no file of the submission and in no stream.
 */
class SubmitSecretsTest {
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
        PlantedSecrets.plantIn(cli);
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
            PlantedSecrets.assertAbsent(r, "submit or status");
        }
        PlantedSecrets.assertAbsentUnder(out);
    }
}
