package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 6: a command whose own report says it failed (validate with errors, doctor not ready, a launch
 * whose run failed; status --wait in StatusCliTest) answers --json with the one error object every error has,
 * {@code error}, {@code exitCode}, {@code fix}, with the report's fields beside them, and the sentence on stderr.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReportErrorsAsJsonTest {
    @TempDir
    Path tmp;

    /** The whole of stdout as one JSON object carrying the error, the exit code and a fix, as stderr says. */
    private static JsonNode errorObject(CliRun.Result r, int exitCode) throws Exception {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(exitCode);
        JsonNode doc = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(r.out());
        assertThat(doc.path("exitCode").asInt()).as(r.out()).isEqualTo(exitCode);
        assertThat(doc.path("fix").asText()).isNotBlank();
        assertThat(r.err()).contains("error: " + doc.path("error").asText() + "\n");
        return doc;
    }

    @Test
    void validateWithErrorsIsTheErrorObjectWithItsFindings() throws Exception {
        Files.writeString(tmp.resolve("empty.yaml"), "job: extension\nconfig:\n  name: x\n  process: []\nmeta: {}\n");

        CliRun.Result r = CliRun.in(tmp).run("validate", "empty.yaml", "--json");

        JsonNode doc = errorObject(r, 3);
        assertThat(doc.path("error").asText()).startsWith("empty.yaml has 1 error");
        assertThat(doc.path("findings").toString()).as("an empty list is called empty, not 'a list'")
                .contains("config.process is an empty list").doesNotContain("but it is a list");
        CliRun.Result text = CliRun.in(tmp).run("validate", "empty.yaml");
        assertThat(text.out()).contains("config.process is an empty list");
    }

    @Test
    void doctorNotReadyIsTheErrorObjectWithItsChecks() throws Exception {
        CliRun.Result r = CliRun.in(tmp).run("doctor", "--toolkit-dir", tmp.resolve("nowhere").toString(), "--json");

        JsonNode doc = errorObject(r, 7);
        assertThat(doc.path("error").asText()).startsWith("not ready to train: ");
        assertThat(doc.path("ready").asBoolean(true)).isFalse();
        assertThat(doc.path("checks").size()).isPositive();
    }

    @Test
    void aFailedRunIsTheErrorObjectWithTheRunRecords() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("gated.yaml", "gated_json", 1, 20, 10);
        Path data = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(config, Files.readString(config).replace("/data/images", data.toString()));

        CliRun.Result r = CliRun.in(tmp).env("AITK_HOME", kit.root.toString()).env("FAKE_AITK_GATED", "1")
                .run("launch", "--config", config.toString(), "--gpu-memory", "80GB", "--gpus", "1", "--python",
                        kit.python, "--no-prefetch", "--ignore-validation", "--json");

        JsonNode doc = errorObject(r, 5);
        assertThat(doc.path("error").asText()).startsWith("gated_json failed after 1 attempt(s) (");
        assertThat(doc.path("fix").asText()).contains("accept the license");
        assertThat(doc.at("/runs/0/status").asText()).isEqualTo("failed");
        assertThat(doc.at("/runs/0/cause").asText()).isEqualTo("GATED_REPO");
    }
}
