package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.AttemptRecord;
import dev.aitk.launcher.supervise.FailureKind;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diagnose on logs built from the real H100 captures, and on a run record. */
class DiagnoseCommandTest {
    @TempDir
    Path tmp;

    private static String fixture(String name) throws IOException {
        try (InputStream in = DiagnoseCommandTest.class.getResourceAsStream("/fixtures/h100/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path oomLog() throws IOException {
        Path log = tmp.resolve("log.txt");
        Files.writeString(log, "Running 1 job\n" + fixture("tqdm-train.stderr") + "\n" + fixture("torch-oom.stderr")
                + "Error running job: CUDA out of memory. Tried to allocate 40.00 GiB.\n");
        return log;
    }

    @Test
    void explainsAnOutOfMemoryLogWithStepNumbersAndTheFix() throws IOException {
        oomLog();
        CliRun.Result r = CliRun.in(tmp).run("diagnose", "log.txt");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("outcome:  failed: out of GPU memory")
                .contains("evidence: torch.OutOfMemoryError: CUDA out of memory")
                .contains("step:     40 of 40")
                .contains("it needed 40.00 GiB more on GPU 0 with 8.66 GiB free of 79.18 GiB")
                .containsPattern("fix:      the planner's settings for FLUX.1-dev on this 79.2 GiB card with 10% "
                        + "headroom \\(predicted peak [0-9.]+ GiB\\): train.batch_size: \\d+, .*model.quantize: ")
                .contains("launch:   re-plan with a memory cap");
    }

    @Test
    void jsonCarriesTheSameData() throws IOException {
        oomLog();
        CliRun.Result r = CliRun.in(tmp).run("diagnose", "log.txt", "--json");

        JsonNode d = Json.mapper().readTree(r.out());
        assertThat(d.get("failure").asText()).isEqualTo("OUT_OF_MEMORY");
        assertThat(d.get("outcome").asText()).isEqualTo("failed");
        assertThat(d.get("step").asLong()).isEqualTo(40);
        assertThat(d.get("traceback").get(0).asText()).startsWith("Traceback");
    }

    @Test
    void aGatedLogNamesTheModelWhoseLicenseToAccept() throws IOException {
        Files.writeString(tmp.resolve("gated.txt"), "Loading model\n"
                + "huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1)\n"
                + "Access to model black-forest-labs/FLUX.1-dev is restricted. You must have access to it.\n"
                + "Error running job: 401 Client Error.\n");
        CliRun.Result r = CliRun.in(tmp).run("diagnose", "gated.txt");

        assertThat(r.out()).contains("gated").contains("black-forest-labs/FLUX.1-dev").contains("accept its license");
    }

    @Test
    void aFinishedLogSaysSo() throws IOException {
        Files.writeString(tmp.resolve("ok.txt"), fixture("tqdm-train.stderr") + "\nResult:\n - 1 completed job\n");
        assertThat(CliRun.in(tmp).run("diagnose", "ok.txt").out()).contains("outcome:  finished");
    }

    @Test
    void explainsARunRecord() throws IOException {
        AttemptRecord oom = new AttemptRecord(1, "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", 1,
                FailureKind.OUT_OF_MEMORY, "torch.OutOfMemoryError: CUDA out of memory", "/o/log.1.txt", null, 260L,
                2000L, 1.2, null, 0, "first start", Map.of(), "re-planned smaller (batch 4 -> 2)", List.of());
        AttemptRecord done = new AttemptRecord(2, "2026-01-01T00:10:00Z", "2026-01-01T01:00:00Z", 0, null, "finished",
                "/o/log.txt", 250L, 2000L, 2000L, 1.4, 0.12, 0, "re-planned", Map.of(), null, List.of());
        RunRecord record = new RunRecord("my_lora", "succeeded", 0, null, "training finished", null,
                List.of("python", "run.py", "c.yaml"), List.of(), "/tk", Map.of(), "/o", null, List.of(oom, done),
                "/o/my_lora.safetensors", 2000L, 2000L, 1.4, 0.12, "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z");
        Files.writeString(tmp.resolve("run.json"), Json.write(record));

        CliRun.Result r = CliRun.in(tmp).run("diagnose", "run.json");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("(run record)").contains("outcome:  finished")
                .contains("attempt 1: out of GPU memory at step 260; then re-planned smaller (batch 4 -> 2)")
                .contains("the LoRA: /o/my_lora.safetensors");
    }

    @Test
    void aMissingFileIsOneSentenceAndExit3() {
        CliRun.Result r = CliRun.in(tmp).run("diagnose", "nope.txt");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: ").contains("nope.txt does not exist").hasLineCount(1);
    }

    @Test
    void jsonThatIsNotARecordIsRefusedClearly() throws IOException {
        Files.writeString(tmp.resolve("other.json"), "{\"hello\": 1}");
        CliRun.Result r = CliRun.in(tmp).run("diagnose", "other.json");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("not a run record");
    }

    @Test
    void aStoppedRunIsReportedAsTheUsersStopWithHowToResumeNotAsAFailure() throws IOException {
        Files.writeString(tmp.resolve("stopped.txt"), fixture("tqdm-train.stderr")
                + "\nSaving at step 40\nSaved checkpoint to output/flux_inpaint_v1/flux_inpaint_v1_000000040.safetensors\n"
                + "[aitk-launcher] stopping: SIGTERM to the launcher\nTraceback (most recent call last):\n"
                + "  File \"run.py\", line 120, in main\nKeyboardInterrupt\n\n========================================\n"
                + "Job stopped\n========================================\n");

        CliRun.Result r = CliRun.in(tmp).run("diagnose", "stopped.txt");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("outcome:  stopped by the user (Ctrl+C or SIGTERM), not a failure")
                .contains("next:     run the same command again to resume: ai-toolkit goes on from "
                        + "output/flux_inpaint_v1/flux_inpaint_v1_000000040.safetensors")
                .doesNotContain("fix:").doesNotContain("failed").doesNotContain("Traceback");
    }
}
