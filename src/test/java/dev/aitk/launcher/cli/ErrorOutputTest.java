package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How every command fails: one sentence (plus a --help line for usage errors), and one JSON object with --json. */
class ErrorOutputTest {
    private static final List<String> COMMANDS = List.of("detect", "plan", "init", "validate", "migrate-data",
            "prefetch", "launch", "diagnose", "doctor", "submit", "status", "cancel", "completion");

    @TempDir
    Path home;

    private CliRun cli() {
        return CliRun.in(home).env("HF_HOME", home.resolve("hf").toString());
    }

    /** The whole of stdout as exactly one JSON object: trailing text or a second document fails the parse. */
    private static JsonNode oneObject(String out) throws Exception {
        JsonNode doc = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(out);
        assertThat(doc.isObject()).as(out).isTrue();
        return doc;
    }

    @ParameterizedTest
    @ValueSource(strings = {"--gpu-memory=80", "--gpus=0", "--model=fill", "--bogus", "--gpu-memory=0.5TB",
        "--gpu-memory=600GB", "--gpu-memory=512MiB", "stray"})
    void aUsageErrorIsTheSentenceAndAHelpHintNotTheUsageText(String bad) {
        CliRun.Result r = cli().run("launch", "--dry-run", bad);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as(r.err()).hasSize(2);
        assertThat(lines.get(0)).startsWith("error: ");
        assertThat(lines.get(1)).endsWith("Run 'aitk-launcher launch --help' for the flags.");
    }

    @Test
    void badValuesSayWhatIsAccepted() {
        assertThat(cli().run("plan", "--gpu-memory", "0.5TB").err())
                .contains("'0.5TB' (512.0 GiB) is not the memory of one GPU; give one card's total memory, at least 1GB and under 512GB");
        assertThat(cli().run("plan", "--gpus", "0").err()).contains("'0' is not a count; use a whole number from 1 to 64");
        assertThat(cli().run("plan", "--model", "fill").err()).contains("--model").contains("fill");
        assertThat(cli().run("plan", "--gpu-memory", "288GB", "--gpus", "1").exitCode()).isZero();
        assertThat(cli().run("plan", "--gpu-memory", "80GB", "--gpus", "1", "--steps", "4000", "--effective-batch", "128")
                .exitCode()).as("steps and samples per update have no ceiling of 64").isZero();
        assertThat(cli().run("plan", "--steps", "0").err()).contains("'0' is not a whole number of 1 or more");
    }

    @Test
    void aTypoGetsItsSuggestionOnTheHintLine() throws Exception {
        CliRun.Result r = cli().run("launch", "--dry-runn", "--json");

        assertThat(r.err().lines().toList()).containsExactly("error: Unknown option: '--dry-runn'",
                "Did you mean --dry-run? Run 'aitk-launcher launch --help' for the flags.");
        assertThat(oneObject(r.out()).get("fix").asText()).contains("Did you mean --dry-run?");
        assertThat(cli().run("detec").err()).startsWith("error: 'detec' is not a command\nDid you mean detect");
    }

    @Test
    void everyCommandAnswersAUsageErrorWithOneJsonObjectUnderJson() throws Exception {
        for (String command : COMMANDS) {
            CliRun.Result r = cli().run(command, "--json", "--no-such-flag");

            assertThat(r.exitCode()).as(command).isEqualTo(2);
            JsonNode doc = oneObject(r.out());
            assertThat(doc.get("exitCode").asInt()).isEqualTo(2);
            assertThat(doc.get("fix").asText()).contains("aitk-launcher " + command + " --help");
            assertThat(r.err()).startsWith("error: " + doc.get("error").asText() + "\n");
        }
    }

    @Test
    void everyKindOfFailureIsOneJsonObjectBesideTheSentence() throws Exception {
        expectJson(2, "init needs --dataset DIR and --output DIR", "init", "--gpu-memory", "24GB");
        expectJson(3, "nope.log", "diagnose", "nope.log");
        expectJson(5, "missing from the cache", "prefetch", "black-forest-labs/FLUX.1-dev", "--offline");
        expectJson(7, "AITK_HOME", "launch", "--gpu-memory", "24GB", "--gpus", "1", "--no-prefetch");
        JsonNode doesNotFit = expectJson(4, "nothing fits a GPU with 8.0 GiB", "plan", "--gpu-memory", "8GB", "--gpus", "1");
        assertThat(doesNotFit.get("fix").asText()).isEqualTo("use a GPU with at least 24 GB");
        assertThat(doesNotFit.at("/refusal/smallestCardGib").asDouble()).isEqualTo(24.0);
    }

    private JsonNode expectJson(int exitCode, String inSentence, String... args) throws Exception {
        String[] withJson = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--json"))
                .toArray(String[]::new);
        CliRun.Result r = cli().run(withJson);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(exitCode);
        JsonNode doc = oneObject(r.out());
        assertThat(doc.get("exitCode").asInt()).isEqualTo(exitCode);
        assertThat(doc.get("error").asText()).contains(inSentence);
        assertThat(r.err()).endsWith("error: " + doc.get("error").asText() + "\n");
        assertThat(doc.get("fix").asText()).isNotBlank();
        return doc;
    }

    @Test
    void anOutputThatIsAFileIsCalledAFile() throws Exception {
        Path file = java.nio.file.Files.writeString(home.resolve("notes.txt"), "x");
        for (String output : new String[] {"notes.txt", "notes.txt/run"}) {
            CliRun.Result r = cli().run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run", "--output", output);

            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains(": " + file + " is a file, not a folder; give a folder path (e.g. for --output)")
                    .doesNotContain("disk").doesNotContain("writable");
        }
        assertThat(cli().run("init", "--gpu-memory", "24GB", "--dataset", ".", "--output", "notes.txt").err())
                .contains(file + " is a file, not a folder");
    }

    @Test
    void theFixIsTheSentencesSecondHalfOutsideParentheses() {
        assertThat(ErrorReport.fixIn("cannot write a (b; c); check the folder")).isEqualTo("check the folder");
        assertThat(ErrorReport.fixIn("ai-toolkit's location is not known; pass --toolkit-dir")).isEqualTo("pass --toolkit-dir");
        assertThat(ErrorReport.fixIn("no fix here")).isNull();
    }
}
