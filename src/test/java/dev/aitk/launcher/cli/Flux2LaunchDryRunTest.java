package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan} and {@code launch --dry-run} for the three FLUX.2 models on 16, 24, 48 and 80 GB cards, as a user
 * runs them: an explained plan, or a refusal that names the card that works (exit 4); every dry run lists the
 * text encoder's own repository, with its size, among what the prefetch fetches.
 */
class Flux2LaunchDryRunTest {
    private static final String[][] MODELS = {
        {"flux2-klein-4b", "Qwen/Qwen3-4B", "black-forest-labs/FLUX.2-klein-base-4B/flux-2-klein-base-4b.safetensors"},
        {"flux2-klein-9b", "Qwen/Qwen3-8B", "black-forest-labs/FLUX.2-klein-base-9B/flux-2-klein-base-9b.safetensors"},
        {"flux2-dev", "mistralai/Mistral-Small-3.1-24B-Instruct-2503", "black-forest-labs/FLUX.2-dev/flux2-dev.safetensors"},
    };

    @TempDir
    Path home;

    @Test
    void everyFlux2ModelOnEveryCardIsAnExplainedPlanOrAClearRefusal() throws Exception {
        List<String> planned = new ArrayList<>();
        for (String[] m : MODELS) {
            for (String card : List.of("16GB", "24GB", "48GB", "80GB")) {
                String what = m[0] + " on " + card;
                CliRun cli = CliRun.in(home).env("HF_HOME", home.resolve("hf").toString());
                CliRun.Result plan = cli.run("plan", "--model", m[0], "--gpu-memory", card, "--gpus", "1", "--json");
                CliRun.Result dry = cli.run("launch", "--dry-run", "--model", m[0], "--gpu-memory", card, "--gpus", "1",
                        "--output", home.resolve("runs").toString(), "--name", m[0] + "-" + card, "--json");
                if (plan.exitCode() == 4) {
                    assertThat(dry.exitCode()).as(what).isEqualTo(4);
                    for (CliRun.Result r : List.of(plan, dry)) {
                        JsonNode error = Json.mapper().readTree(r.out());
                        assertThat(error.path("exitCode").asInt()).as(what).isEqualTo(4);
                        assertThat(error.path("error").asText()).as(what).contains("GiB are usable");
                        assertThat(error.path("fix").asText()).as(what).containsPattern("at least \\d+ GB");
                    }
                    continue;
                }
                assertThat(plan.exitCode()).as(what + ": " + plan.err()).isZero();
                assertThat(dry.exitCode()).as(what + ": " + dry.err()).isZero();
                planned.add(what);
                JsonNode p = Json.mapper().readTree(plan.out());
                assertThat(p.findValue("phases")).as(what).isNotNull();
                assertThat(p.toString()).as(what).contains("not measured");

                JsonNode d = Json.mapper().readTree(dry.out());
                JsonNode settings = d.at("/preparation/jobs/0/settings");
                assertThat(settings.findValuesAsText("keyPath")).as(what).contains("train.batch_size", "model.qtype_te");
                assertThat(d.at("/preparation/jobs/0/template").asText()).as(what).contains(m[0] + "-inpaint");
                settings.forEach(s -> assertThat(s.path("reason").asText()).as(what + " " + s.path("keyPath"))
                        .isNotBlank());
                JsonNode downloads = d.at("/realRun/downloads");
                assertThat(downloads.findValuesAsText("reference")).as(what).contains(m[1], m[2]);
                for (JsonNode dl : downloads) {
                    if (dl.path("reference").asText().equals(m[1])) {
                        assertThat(dl.path("approxGb").asDouble()).as(what).isGreaterThan(7.0);
                        assertThat(dl.path("source").asText()).as(what).contains("text encoder");
                    }
                }
                CliRun.Result text = cli.run("launch", "--dry-run", "--model", m[0], "--gpu-memory", card, "--gpus",
                        "1", "--output", home.resolve("runs-text").toString(), "--name", m[0] + "-" + card);
                assertThat(text.exitCode()).as(what).isZero();
                assertThat(text.out()).as(what).containsPattern("\\n    " + java.util.regex.Pattern.quote(m[1])
                        + ", about \\d+\\.\\d GB  \\[model\\.arch ");
            }
        }
        assertThat(planned).as("the 4B and 9B klein train on every card from 16 GB, FLUX.2-dev from 48 GB")
                .hasSize(10);
    }
}
