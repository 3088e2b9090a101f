package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.images.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
    @TempDir
    Path home;

    /** A folder of two captioned 512x512 images, which validation accepts. */
    private Path dataset(String name) throws Exception {
        Path dir = Files.createDirectories(home.resolve(name));
        for (String image : new String[] {"a", "b"}) {
            Files.write(dir.resolve(image + ".png"), TestImages.png(512, 512, false));
            Files.writeString(dir.resolve(image + ".txt"), "a photo of " + image);
        }
        return dir;
    }

    @Test
    void writesTheConfigAndBothScriptsCallingThisCheckoutsLauncher() throws Exception {
        dataset("data");
        CliRun.Result r = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--gpus", "1", "--dataset", "data",
                "--output", "runs/a", "--name", "my_lora");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path out = home.resolve("runs/a");
        assertThat(out.resolve("my_lora.yaml")).exists();
        String sh = Files.readString(out.resolve("start_training.sh"));
        Path launcher = Path.of("launchers/aitk-launcher").toAbsolutePath();
        assertThat(sh).contains("exec " + launcher + " launch --config " + out.resolve("my_lora.yaml")
                + " --gpu-memory 24GB --gpus 1 \"$@\"");
        assertThat(Files.isExecutable(out.resolve("start_training.sh"))).isTrue();
        String bat = Files.readString(out.resolve("start_training.bat"));
        assertThat(bat).contains("setlocal DisableDelayedExpansion\r\n")
                .contains("aitk-launcher.cmd launch --config " + out.resolve("my_lora.yaml") + " --gpu-memory 24GB --gpus 1 %*");
        assertThat(r.out()).contains("Wrote:", "start_training.sh", "add --dry-run to check first");
    }

    @Test
    void replacesWhatItWroteButNeverAnEditedFileWithoutForce() throws Exception {
        dataset("d");
        String[] args = {"init", "--gpu-memory", "24GB", "--dataset", "d", "--output", "o"};
        assertThat(CliRun.in(home).run(args).exitCode()).isZero();
        assertThat(CliRun.in(home).run(args).exitCode()).as("unedited files are the launcher's to replace").isZero();
        Path sh = home.resolve("o/start_training.sh");
        Path config = home.resolve("o/flux_dev_inpaint_lora.yaml");
        String before = Files.readString(config);
        Files.writeString(sh, "# edited by hand\n");

        CliRun.Result again = CliRun.in(home).run(args);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).isEqualTo("error: " + sh + " was changed since aitk-launcher wrote it (or not written by "
                + "it), so it is not replaced; add --force to replace them (each edited file is kept as <name>.bak), or "
                + "choose another --output\n");
        assertThat(Files.readString(sh)).isEqualTo("# edited by hand\n");
        assertThat(Files.readString(config)).isEqualTo(before);

        List<String> forced = new ArrayList<>(List.of(args));
        forced.add("--force");
        CliRun.Result r = CliRun.in(home).run(forced.toArray(String[]::new));
        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(sh)).startsWith("#!/bin/sh");
        assertThat(Files.readString(home.resolve("o/start_training.sh.bak"))).isEqualTo("# edited by hand\n");
        assertThat(r.out()).contains("Kept your edited copy as " + home.resolve("o/start_training.sh.bak"));
        assertThat(home.resolve("o/flux_dev_inpaint_lora.yaml.bak")).doesNotExist();
    }

    @Test
    void aConfigWithValidationErrorsExitsThreeAndGetsNoStartScripts() throws Exception {
        Files.createDirectories(home.resolve("empty"));
        CliRun.Result r = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--dataset", "empty", "--output", "o");

        assertThat(r.exitCode()).isEqualTo(3);
        Path config = home.resolve("o/flux_dev_inpaint_lora.yaml");
        assertThat(r.out()).contains("error " + config + ":").contains("has no .jpg, .jpeg, .png or .webp images");
        assertThat(r.err()).isEqualTo("error: " + config + " has validation errors (see its findings), so no start "
                + "scripts were written; fix the flags, the dataset or the config, then run init again\n");
        assertThat(config).exists();
        assertThat(home.resolve("o/start_training.sh")).doesNotExist();
        assertThat(home.resolve("o/start_training.bat")).doesNotExist();

        CliRun.Result json = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--dataset", "empty", "--output", "o", "--json");
        com.fasterxml.jackson.databind.JsonNode doc = dev.aitk.launcher.util.Json.mapper().readTree(json.out());
        assertThat(doc.get("exitCode").asInt()).isEqualTo(3);
        assertThat(doc.at("/preparation/jobs/0/findingsHaveErrors").asBoolean()).isTrue();
        assertThat(doc.at("/written").size()).isZero();
    }

    @Test
    void needsDatasetAndOutput() {
        CliRun.Result r = CliRun.in(home).run("init", "--gpu-memory", "24GB");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("init needs --dataset DIR and --output DIR");
    }

    @Test
    void theGeneratedScriptRunsTheLauncherWithHostilePathsIntact() throws Exception {
        Path fake = home.resolve("bin/fake-launcher");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$ARGV_OUT\"\n");
        fake.toFile().setExecutable(true);
        String hostile = "it's \"my\" $HOME `id` $(id) 100% !x & more";
        Path data = dataset("data " + hostile);
        Path out = home.resolve("runs " + hostile);

        CliRun.Result r = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--gpus", "1", "--dataset", data.toString(),
                "--output", out.toString(), "--name", "hostile", "--launcher", fake.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("start_training.bat was not written: cmd.exe cannot quote a value containing a double quote");
        assertThat(Files.readString(out.resolve("hostile.yaml"))).contains("hostile");

        Path argvFile = home.resolve("argv");
        ProcessBuilder pb = new ProcessBuilder(out.resolve("start_training.sh").toString(), "--dry-run");
        pb.environment().put("ARGV_OUT", argvFile.toString());
        Process p = pb.redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        List<String> received = new ArrayList<>(Arrays.asList(Files.readString(argvFile).split("\0", -1)));
        received.remove(received.size() - 1);
        assertThat(received).containsExactly("launch", "--config", out.resolve("hostile.yaml").toString(),
                "--gpu-memory", "24GB", "--gpus", "1", "--dry-run");
    }

    @Test
    void aNewlineInAPathIsRefusedClearly() throws Exception {
        CliRun.Result r = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--dataset", "d", "--output", "two\nlines");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("contains a line break, which a start script cannot carry safely");
        assertThat(home.resolve("two\nlines")).doesNotExist();
    }

    @Test
    void jsonListsWhatWasWritten() throws Exception {
        dataset("d");
        CliRun.Result r = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--dataset", "d", "--output", "o", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode doc = dev.aitk.launcher.util.Json.mapper().readTree(r.out());
        assertThat(doc.at("/written").toString()).contains(home.resolve("o/flux_dev_inpaint_lora.yaml").toString(),
                home.resolve("o/start_training.sh").toString(), home.resolve("o/start_training.bat").toString());
        assertThat(doc.at("/preparation/jobs/0/command/1").asText()).isEqualTo("run.py");
    }
}
