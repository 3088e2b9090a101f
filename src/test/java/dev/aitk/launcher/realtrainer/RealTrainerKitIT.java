package dev.aitk.launcher.realtrainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The set-up the real-trainer tests stand on: ai-toolkit imports in the venv, and every tiny model loads. */
class RealTrainerKitIT {
    @TempDir
    Path tmp;

    @Test
    void aiToolkitImportsAndEveryTinyModelLoadsWithDiffusers() throws Exception {
        RealTrainerKit kit = RealTrainerKit.get();
        assertThat(kit.toolkitDir().resolve("run.py")).isRegularFile();
        assertThat(kit.models()).containsExactlyInAnyOrder("flux-dev", "flux-kontext", "flex2");
        Path log = tmp.resolve("check.log");
        String check = String.join("\n",
                "import sys, torchvision, torchaudio",
                "from toolkit.config_modules import ModelConfig",
                "from diffusers import DiffusionPipeline",
                "for folder in sys.argv[1:]:",
                "    pipe = DiffusionPipeline.from_pretrained(folder)",
                "    t = pipe.transformer.config",
                "    print(type(pipe).__name__, t.in_channels, t.num_layers, t.joint_attention_dim,",
                "          sum(p.numel() for p in pipe.transformer.parameters()))");
        int code = kit.runPython(kit.toolkitDir(), log, 300, "-c", check, kit.model("flux-dev").toString(),
                kit.model("flux-kontext").toString(), kit.model("flex2").toString());
        String out = Files.readString(log);
        assertThat(code).as(out).isZero();
        assertThat(out).containsPattern("FluxPipeline 64 1 32 \\d+")
                .containsPattern("FluxKontextPipeline 64 1 32 \\d+")
                .containsPattern("FluxPipeline 196 1 32 \\d+");
    }

    @Test
    void theSetUpIsKeyedByTheKitAndItsCacheLiesOutsideTheClone() {
        RealTrainerKit kit = RealTrainerKit.get();
        Path project = Path.of("").toAbsolutePath();
        assertThat(kit.python()).isExecutable();
        assertThat(kit.python().startsWith(project)).as("the venv must live outside the clone").isFalse();
        assertThat(kit.toolkitDir().getParent().getFileName().toString()).matches("toolkit-[0-9a-f]{16}");
        assertThat(kit.shimDir().resolve("sitecustomize.py")).isRegularFile();
    }
}
