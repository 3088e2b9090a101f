package dev.aitk.launcher.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aitk.launcher.cli.CliRun;
import dev.aitk.launcher.images.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 3: the start_training.sh that init writes passes its extra arguments on to the real launcher
 * (launchers/aitk-launcher over target/aitk-launcher.jar, hence an IT), where a run-time flag works and a flag that
 * would plan or render the config is refused in one sentence with exit 2, instead of exit 0 and nothing changed.
 */
class StartScriptRealLauncherIT {
    @TempDir
    Path home;

    @Test
    void extraArgumentsApplyWhereTheyCanAndPlanFlagsAreRefused() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("target", "aitk-launcher.jar")),
                "target/aitk-launcher.jar is built in package; run this test with mvn verify");
        Path data = Files.createDirectories(home.resolve("data"));
        for (String image : new String[] {"a", "b"}) {
            Files.write(data.resolve(image + ".png"), TestImages.png(512, 512, false));
            Files.writeString(data.resolve(image + ".txt"), "a photo of " + image);
        }
        Path out = home.resolve("runs");
        CliRun.Result init = CliRun.in(home).run("init", "--gpu-memory", "24GB", "--gpus", "1", "--dataset",
                data.toString(), "--output", out.toString(), "--name", "mine",
                "--launcher", Path.of("launchers", "aitk-launcher").toAbsolutePath().toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        Path script = out.resolve("start_training.sh");
        String config = Files.readString(out.resolve("mine.yaml"));

        Result pinned = run(script, "--steps", "4000");
        assertThat(pinned.exitCode).as(pinned.output).isEqualTo(2);
        assertThat(pinned.output).contains("error: --config launches a config as it is, so --steps does not apply");
        assertThat(Files.readString(out.resolve("mine.yaml"))).as("the config is untouched").isEqualTo(config);

        Result dryRun = run(script, "--dry-run", "--max-attempts", "2", "--no-prefetch");
        assertThat(dryRun.exitCode).as(dryRun.output).isZero();
        assertThat(dryRun.output).contains("up to 2 starts of run.py").contains("Dry run: nothing was started.");
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("AITK_LAUNCHER_CDS", "off");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
        return new Result(p.exitValue(), output);
    }
}
