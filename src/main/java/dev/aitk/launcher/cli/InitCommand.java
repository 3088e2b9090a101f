package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.LaunchPipeline;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.LaunchRequest;
import dev.aitk.launcher.plan.ModelChoice;
import dev.aitk.launcher.scripts.StartFolder;
import dev.aitk.launcher.scripts.StartScripts;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Write a config plus start_training.sh and start_training.bat for a machine profile. */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Write a config plus start_training.sh and start_training.bat for a machine profile.",
            "The config is planned and rendered as launch would; the scripts run the launcher on that config "
                    + "with the same profile (and pass on extra arguments such as --dry-run). Secrets are never "
                    + "written: the scripts read HF_TOKEN from the environment.",
            "",
            "Examples:",
            "  aitk-launcher init --gpu-memory 24GB --gpus 1 --dataset data --output runs/a",
            "  aitk-launcher init --model flex2 --dataset data --output runs/flex \\",
            "      --set datasets[0].inpaint_path=data/inpaint",
            "  runs/a/start_training.sh --dry-run",
            ""
        })
public final class InitCommand extends BaseCommand {
    @Mixin
    GpuOptions gpu;

    @Mixin
    RenderOptions render;

    @Mixin
    PlanPinOptions pins;

    @Option(names = "--launcher", paramLabel = "CMD",
            description = "Launcher the scripts call: a command on PATH such as aitk-launcher, or a path (made absolute). Default: this checkout's "
                    + "launchers/aitk-launcher by absolute path (launchers\\aitk-launcher.cmd in the .bat on Windows).")
    String launcher;

    @Option(names = "--force", description = "Replace a config or script you edited since init wrote it (your copy is kept as .bak).")
    boolean force;

    @Override
    protected int execute() {
        Services s = services();
        ModelSelection model = ModelSelection.of(render.model, render.template, render.dataset, s.env());
        LaunchRequest request = new LaunchRequest(gpu.gpuMemory(), gpu.gpus(),
                pins.request(model, s.env(), render.dataset), render.template, render.dataset, render.output,
                render.name, render.overrides, List.of(), render.toolkitDir, render.python);
        LaunchPipeline pipeline = LaunchPipeline.standard(s.env(), s.gpuDetector(), false);
        StartFolder.Result result;
        try {
            result = new StartFolder(s.env(), pipeline).create(
                    new StartFolder.Request(request, posixLauncher(s), windowsLauncher(s), force));
        } catch (StartFolder.InvalidConfig e) {
            if (output.json()) {
                foundBeforeFailing(new Result(List.of(), List.of(), null, model.choice(), e.preparation()));
            } else {
                LaunchReport.printModel(s.out(), model.choice());
                LaunchReport.print(s.out(), e.preparation(), true, "init writes no start scripts while a config has errors (exit 3)");
            }
            throw e;
        }
        PrintWriter out = s.out();
        if (output.json()) {
            out.println(Json.write(new Result(result.written(), result.keptAsBackup(), result.batchSkipped(), model.choice(),
                    result.preparation())));
            return ExitCode.OK.code();
        }
        LaunchReport.printModel(out, model.choice());
        LaunchReport.print(out, result.preparation(), true);
        out.println();
        out.println("Wrote:");
        result.written().forEach(p -> out.println("  " + p));
        result.keptAsBackup().forEach(p -> out.println("Kept your edited copy as " + p));
        if (result.batchSkipped() != null) {
            out.println("note: " + result.batchSkipped());
        }
        Path folder = Path.of(result.preparation().outputFolder());
        out.println("Start training with " + folder.resolve(StartScripts.SH) + " (Windows: "
                + StartScripts.BAT + "); add --dry-run to check first. Set HF_TOKEN in your environment for gated models.");
        return ExitCode.OK.code();
    }

    /** The .sh calls this checkout's launcher by absolute path on POSIX systems, else the one on PATH. */
    private String posixLauncher(Services s) {
        if (launcher != null) {
            return givenLauncher(s);
        }
        if (s.env().isWindows()) {
            return "aitk-launcher";
        }
        return LauncherLocation.launchersDirectory().map(d -> d.resolve("aitk-launcher").toString())
                .orElseThrow(LauncherMissing::new);
    }

    private String windowsLauncher(Services s) {
        if (launcher != null) {
            return givenLauncher(s);
        }
        if (!s.env().isWindows()) {
            return "aitk-launcher.cmd";
        }
        return LauncherLocation.launchersDirectory().map(d -> d.resolve("aitk-launcher.cmd").toString())
                .orElseThrow(LauncherMissing::new);
    }

    /** A name stays a name (looked up on PATH when the script runs); a path is made absolute now. */
    private String givenLauncher(Services s) {
        boolean isPath = launcher.contains("/") || launcher.contains("\\");
        return isPath ? s.env().resolve(Path.of(launcher)).toString() : launcher;
    }

    private static final class LauncherMissing extends LauncherException {
        LauncherMissing() {
            super(ExitCode.USAGE, "this launcher was not started from a checkout with launchers/aitk-launcher, so the "
                    + "start scripts cannot call it by path; give --launcher aitk-launcher (on PATH) or its full path");
        }
    }

    /** The --json document: files written, edited files kept as .bak, the .bat's skip reason if any, and what was decided. */
    record Result(List<String> written, List<String> keptAsBackup, String batchSkipped, ModelChoice model,
                  LaunchPreparation preparation) {
    }
}
