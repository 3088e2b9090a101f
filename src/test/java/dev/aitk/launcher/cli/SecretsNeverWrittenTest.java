package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 1: a token, a proxy password, a database password (both inside URLs) and an odd-named secret
 * planted in the environment reach no stream and no file of launch (a real run of the run.py double, one that
 * succeeds and one that fails), its dry run, diagnose (of the record and of the log) and doctor. The child
 * still gets them: run.py needs HF_TOKEN for gated models and the user's other variables are theirs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsNeverWrittenTest {
    @TempDir
    Path tmp;

    @Test
    void noPlantedSecretInAnyStreamOrFileOfLaunchDiagnoseAndDoctor() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path data = Files.createDirectories(tmp.resolve("images"));
        Path ok = config(kit, "secret_ok", data);
        Path gated = config(kit, "secret_gated", data);
        CliRun cli = PlantedSecrets.plantIn(CliRun.in(tmp).env("AITK_HOME", kit.root.toString())
                .env("HF_HOME", tmp.resolve("hf").toString()));
        List<String> run = List.of("--gpu-memory", "80GB", "--gpus", "1", "--python", kit.python, "--no-prefetch",
                "--ignore-validation");
        List<CliRun.Result> results = new ArrayList<>();

        CliRun.Result launched = cli.run(args(List.of("launch", "--config", ok.toString(), "--json"), run));
        assertThat(launched.exitCode()).as(launched.out() + launched.err()).isZero();
        JsonNode record = Json.mapper().readTree(launched.out());
        assertThat(record.path("environment").path("CUDA_VISIBLE_DEVICES").asText())
                .as("what the launcher set is recorded").isEqualTo("0");
        assertThat(record.path("environment").path("HF_TOKEN").asText())
                .as("a token the launcher passes on is named, never shown").isEqualTo("<redacted>");
        assertThat(record.path("environment").has("DATABASE_URL")).as("the user's own variables are not recorded")
                .isFalse();
        results.add(launched);
        results.add(cli.run(args(List.of("launch", "--config", ok.toString()), run)));
        CliRun.Result failed = cli.env("FAKE_AITK_GATED", "1")
                .run(args(List.of("launch", "--config", gated.toString()), run));
        cli.env("FAKE_AITK_GATED", null);
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isNotZero();
        results.add(failed);
        results.add(cli.run("launch", "--gpu-memory", "80GB", "--gpus", "2", "--dry-run", "--dataset", data.toString(),
                "--output", tmp.resolve("rendered").toString(), "--verbose"));
        results.add(cli.run("launch", "--gpu-memory", "80GB", "--gpus", "2", "--dry-run", "--json"));

        Path gatedRun = kit.output.resolve("secret_gated");
        for (String what : List.of("run.json", "log.txt")) {
            Path file = gatedRun.resolve(what);
            assertThat(file).exists();
            results.add(cli.run("diagnose", file.toString()));
            results.add(cli.run("diagnose", file.toString(), "--json"));
        }
        results.add(cli.run("doctor", "--toolkit-dir", kit.root.toString(), "--python", kit.python,
                "--output", tmp.resolve("rendered").toString()));
        results.add(cli.run("doctor", "--toolkit-dir", kit.root.toString(), "--python", kit.python, "--json"));

        for (CliRun.Result r : results) {
            PlantedSecrets.assertAbsent(r, "a command");
        }
        assertThat(PlantedSecrets.assertAbsentUnder(tmp)).as("files checked").isGreaterThan(10);
    }

    private static String[] args(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }

    private static Path config(FakeToolkit kit, String name, Path data) throws Exception {
        Path config = kit.config(name + ".yaml", name, 1, 20, 10);
        Files.writeString(config, Files.readString(config).replace("/data/images", data.toString()));
        return config;
    }
}
