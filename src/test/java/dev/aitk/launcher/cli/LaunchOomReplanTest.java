package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.FakeToolkit;
import dev.aitk.launcher.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code launch} end to end through the CLI, for a planned job, an {@code init} script and a {@code --config} job:
 * the run.py test double runs on a "24 GB" card (its OOM message says 23.55 GiB) while the launcher was told
 * 80 GB, and runs out of memory at any batch above 1; the launcher re-plans from the message, never raises the
 * batch, and run.py resumes to the end within the default budget of 4 starts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchOomReplanTest {
    private static final Pattern BATCH_CHANGE = Pattern.compile("train\\.batch_size (\\d+) -> (\\d+)");
    @TempDir
    Path tmp;

    @Test
    void anOutOfMemoryPlannedRunIsReplannedSmallerAndResumesFromItsCheckpoint() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path data = images(tmp.resolve("data"));
        Path output = tmp.resolve("runs");
        String[] launch = {"launch", "--gpu-memory", "80GB", "--gpus", "1", "--dataset", data.toString(),
                "--output", output.toString(), "--name", "oom_lora", "--toolkit-dir", kit.root.toString(),
                "--python", kit.python, "--set", "train.steps=30", "--set", "save.save_every=10", "--no-prefetch"};
        // --set train.steps keeps 30 steps whatever batch is planned (--steps is a budget in samples, #11).
        CliRun cli = CliRun.in(tmp).env("HF_HOME", tmp.resolve("hf").toString());

        CliRun.Result dry = cli.run(concat(launch, "--dry-run", "--json"));
        assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
        int plannedBatch = plannedBatch(Json.mapper().readTree(dry.out()));
        assertThat(plannedBatch).as("the plan must batch more than one image for this test").isGreaterThan(1);

        // The card is a 24 GB one (the OOM message says 23.55 GiB) although the launcher was told 80 GB, and it
        // runs out of memory at any batch above 1 (#11's "Done when").
        CliRun.Result r = cli.env("FAKE_AITK_OOM_ABOVE_BATCH", "1").env("FAKE_AITK_OOM_CARD_GIB", "23.55")
                .run(concat(launch, "--json"));

        JsonNode record = recoveredFromOom(r);
        assertThat(r.err()).contains("out of GPU memory: re-planned smaller (train.batch_size " + plannedBatch + " -> ")
                .contains("GiB cap (the failed plan:").contains("resuming from the newest checkpoint");
        JsonNode attempts = record.get("attempts");
        assertThat(attempts.get(0).get("nextAction").asText()).contains("re-planned smaller");
        assertThat(attempts.get(1).get("startReason").asText()).contains("re-planned smaller");
        assertBatchNeverGrows(attempts, plannedBatch);
        Path last = output.resolve("oom_lora.attempt-" + attempts.size() + ".yaml");
        String rendered = Files.readString(last);
        assertThat(rendered).contains("name: oom_lora").contains("training_folder: " + output)
                .contains("save_every: 10").containsPattern("\\n\\s*batch_size: 1[ \\n]");
        String log = Files.readString(Path.of(attempts.get(attempts.size() - 1).get("logFile").asText()));
        assertThat(log).contains("RESUMING FROM").contains("Found step 10 in metadata");
        Path runJson = Path.of(record.get("logDirectory").asText()).resolve("run.json");
        assertThat(Json.mapper().readTree(runJson.toFile()).get("attempts")).hasSize(attempts.size());
        assertThat(output.resolve("oom_lora/oom_lora.safetensors")).exists();
    }

    @Test
    void initsStartScriptKeepsItsPlanAndRecoversFromAnOutOfMemory() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path data = images(tmp.resolve("data"));
        Path out = tmp.resolve("runs/init_lora");
        Path recorder = tmp.resolve("bin/launcher");
        Files.createDirectories(recorder.getParent());
        Files.writeString(recorder, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$ARGV_OUT\"\n");
        assertThat(recorder.toFile().setExecutable(true)).isTrue();
        CliRun cli = CliRun.in(tmp).env("HF_HOME", tmp.resolve("hf").toString());
        CliRun.Result init = cli.run("init", "--gpu-memory", "80GB", "--gpus", "1", "--dataset", data.toString(),
                "--output", out.toString(), "--name", "init_lora", "--toolkit-dir", kit.root.toString(),
                "--python", kit.python, "--set", "train.steps=30", "--set", "save.save_every=10",
                "--launcher", recorder.toString());
        assertThat(init.exitCode()).as(init.out() + init.err()).isZero();
        String config = Files.readString(out.resolve("init_lora.yaml"));
        int plannedBatch = Integer.parseInt(config.replaceAll("(?s).*\\n\\s*batch_size: (\\d+).*", "$1"));
        assertThat(plannedBatch).as("the plan must batch more than one image for this test").isGreaterThan(1);

        // What start_training.sh runs, exactly: the recorder stands in for the launcher it execs.
        Path argv = tmp.resolve("argv");
        ProcessBuilder script = new ProcessBuilder(out.resolve("start_training.sh").toString()).redirectErrorStream(true);
        script.environment().put("ARGV_OUT", argv.toString());
        Process p = script.start();
        String scriptOutput = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(scriptOutput).isZero();
        List<String> args = new ArrayList<>(List.of(Files.readString(argv).split("\0")));
        assertThat(args).startsWith("launch", "--config", out.resolve("init_lora.yaml").toString());
        args.addAll(List.of("--no-prefetch", "--json"));

        // A 24 GB card (the OOM message says 23.55 GiB) told 80 GB, out of memory at any batch above 1.
        CliRun.Result r = cli.env("FAKE_AITK_OOM_ABOVE_BATCH", "1").env("FAKE_AITK_OOM_CARD_GIB", "23.55")
                .run(args.toArray(String[]::new));

        JsonNode record = recoveredFromOom(r);
        JsonNode attempts = record.get("attempts");
        assertThat(Files.readString(out.resolve("init_lora.yaml"))).as("init's config stays as init wrote it")
                .isEqualTo(config);
        assertBatchNeverGrows(attempts, plannedBatch);
        assertThat(Files.readString(Path.of(record.get("command").get(2).asText())))
                .as("the attempt that finished ran at batch 1").containsPattern("\\n\\s*batch_size: 1[ \\n]");
        assertThat(out.resolve("init_lora/init_lora.safetensors")).exists();
    }

    /** The record of a launch that ran out of memory first and then, within 4 starts, resumed from step 10. */
    private static JsonNode recoveredFromOom(CliRun.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode record = Json.mapper().readTree(r.out());
        JsonNode attempts = record.get("attempts");
        assertThat(attempts.size()).as("within the default budget of 4 starts").isBetween(2, 4);
        assertThat(attempts.get(0).get("cause").asText()).isEqualTo("OUT_OF_MEMORY");
        assertThat(attempts.get(attempts.size() - 1).get("resumedFromStep").asInt()).isEqualTo(10);
        return record;
    }

    /** Every "train.batch_size A -> B" a re-plan reports goes down. */
    private static void assertBatchNeverGrows(JsonNode attempts, int firstBatch) {
        int previous = firstBatch;
        for (JsonNode a : attempts) {
            Matcher m = BATCH_CHANGE.matcher(a.path("nextAction").asText());
            if (m.find()) {
                assertThat(Integer.parseInt(m.group(2))).as("never a larger batch").isLessThan(previous);
                previous = Integer.parseInt(m.group(2));
            }
        }
    }

    private static Path images(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < 12; i++) {
            ImageIO.write(new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB), "png",
                    dir.resolve("img" + i + ".png").toFile());
            Files.writeString(dir.resolve("img" + i + ".txt"), "a photo of sks" + i);
        }
        return dir;
    }

    private static int plannedBatch(JsonNode dryRun) {
        for (JsonNode s : dryRun.get("preparation").get("jobs").get(0).get("settings")) {
            if (s.get("keyPath").asText().equals("train.batch_size")) {
                return s.get("value").asInt();
            }
        }
        throw new AssertionError("no train.batch_size in " + dryRun);
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aConfigJobIsReplannedWithinItsOwnSettingsAndResumesToTheEnd() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("mine.yaml", "own_lora", 4, 30, 10);
        String before = Files.readString(config);
        CliRun cli = CliRun.in(tmp).env("HF_HOME", tmp.resolve("hf").toString()).env("FAKE_AITK_OOM_ABOVE_BATCH", "1")
                .env("FAKE_AITK_OOM_CARD_GIB", "23.55");

        CliRun.Result r = cli.run("launch", "--config", config.toString(), "--gpu-memory", "80GB", "--gpus", "1",
                "--toolkit-dir", kit.root.toString(), "--python", kit.python, "--no-prefetch", "--ignore-validation",
                "--json");

        JsonNode record = recoveredFromOom(r);
        JsonNode attempts = record.get("attempts");
        Path last = Path.of(record.get("command").get(2).asText());
        assertThat(last).as("the re-planned copy lives in the run's folder").startsWith(kit.output.resolve("own_lora"));
        String replanned = Files.readString(last);
        assertThat(replanned).contains("batch_size: 1").contains("name: own_lora")
                .contains("name_or_path: black-forest-labs/FLUX.1-dev").contains("save_every: 10");
        assertThat(Files.readString(config)).as("the user's config is never touched").isEqualTo(before);
        assertBatchNeverGrows(attempts, 4);
    }

    @Test
    void aConfigWhoseDatasetSetsItsOwnBatchSizeIsReplannedWhereTheBatchIsWritten() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path config = kit.config("mine.yaml", "own_lora", 1, 30, 10);
        // ai-toolkit (data_loader.py) batches this dataset by 4 whatever train.batch_size says.
        Files.writeString(config, Files.readString(config).replaceFirst("(\\n(\\s+)resolution: [^\\n]*\\n)",
                "$1$2batch_size: 4\n"));
        assertThat(Files.readString(config)).contains("batch_size: 4");
        CliRun cli = CliRun.in(tmp).env("HF_HOME", tmp.resolve("hf").toString()).env("FAKE_AITK_OOM_ABOVE_BATCH", "1")
                .env("FAKE_AITK_OOM_CARD_GIB", "23.55");

        CliRun.Result r = cli.run("launch", "--config", config.toString(), "--gpu-memory", "80GB", "--gpus", "1",
                "--toolkit-dir", kit.root.toString(), "--python", kit.python, "--no-prefetch", "--ignore-validation",
                "--json");

        JsonNode record = recoveredFromOom(r);
        String replanned = Files.readString(Path.of(record.get("command").get(2).asText()));
        assertThat(replanned).doesNotContain("batch_size: 4").containsPattern("\\n\\s+batch_size: 1[ \\n]");
        assertBatchNeverGrows(record.get("attempts"), 4);
    }

    @Test
    void aTemplateWhoseDatasetSetsItsOwnBatchSizeIsReplannedWhereTheBatchIsWritten() throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path data = images(tmp.resolve("data"));
        Path template = tmp.resolve("my-template.yaml");
        Files.writeString(template, dev.aitk.launcher.config.ConfigTemplate.shipped("flux-dev-inpaint").text()
                .replaceFirst("(\\n(\\s+)resolution: [^\\n]*\\n)", "$1$2batch_size: 4\n"));
        Path output = tmp.resolve("runs");
        CliRun cli = CliRun.in(tmp).env("HF_HOME", tmp.resolve("hf").toString()).env("FAKE_AITK_OOM_ABOVE_BATCH", "1")
                .env("FAKE_AITK_OOM_CARD_GIB", "23.55");

        CliRun.Result r = cli.run("launch", "--template", template.toString(), "--gpu-memory", "80GB", "--gpus", "1",
                "--dataset", data.toString(), "--output", output.toString(), "--name", "ds_lora",
                "--toolkit-dir", kit.root.toString(), "--python", kit.python, "--set", "train.steps=30",
                "--set", "save.save_every=10", "--no-prefetch", "--json");

        JsonNode record = recoveredFromOom(r);
        String first = Files.readString(output.resolve("ds_lora.yaml"));
        assertThat(first).containsPattern("\\n\\s+batch_size: 4[ \\n]");
        String last = Files.readString(Path.of(record.get("command").get(2).asText()));
        assertThat(last).doesNotContainPattern("\\n\\s+batch_size: [2-9]").containsPattern("\\n\\s+batch_size: 1[ \\n]");
        assertBatchNeverGrows(record.get("attempts"), 4);
    }
}
