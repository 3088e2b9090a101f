package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dry run rewrites its own config freely, but never one the user edited since. */
class LaunchKeepsEditsTest {
    @TempDir
    Path home;

    @Test
    void anEditedConfigIsNotReplacedAndTheRefusalSaysHowToLaunchIt() throws Exception {
        String[] args = {"launch", "--gpu-memory", "24GB", "--gpus", "1", "--output", "runs", "--dry-run"};
        assertThat(CliRun.in(home).run(args).exitCode()).isZero();
        Path config = home.resolve("runs/flux_dev_inpaint_lora.yaml");
        assertThat(CliRun.in(home).run(args).exitCode()).as("its own, unchanged config is rewritten").isZero();
        String edited = Files.readString(config).replace("lr: ", "lr: 0.00002 # mine, was ");
        Files.writeString(config, edited);

        CliRun.Result r = CliRun.in(home).run(args);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: " + config + " was changed since aitk-launcher wrote it (or not written by "
                + "it), so it is not replaced; launch your edits as they are with --config " + config + ", or move the "
                + "file away (or pick another --name or --output) to render a new config\n");
        assertThat(Files.readString(config)).isEqualTo(edited);
        assertThat(CliRun.in(home).run("launch", "--gpu-memory", "24GB", "--gpus", "1", "--dry-run", "--config",
                config.toString()).exitCode()).isZero();
    }
}
