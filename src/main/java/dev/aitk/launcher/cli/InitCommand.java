package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.LaunchPipeline;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.LaunchRequest;
import dev.aitk.launcher.launch.PreparedJob;
import dev.aitk.launcher.scripts.StartScripts;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    @Option(names = "--force", description = "Overwrite the config and scripts if they already exist.")
    boolean force;

    @Override
    protected int execute() {
        if (render.dataset == null || render.output == null) {
            throw new LauncherException(ExitCode.USAGE, "init needs --dataset DIR and --output DIR, e.g. "
                    + "aitk-launcher init --gpu-memory 24GB --gpus 1 --dataset ./data --output ./runs/my_lora");
        }
        Services s = services();
        ModelSelection model = ModelSelection.of(render.model, render.template, render.dataset, s.env());
        LaunchRequest request = new LaunchRequest(gpu.gpuMemory(), gpu.gpus(), model.variant(), render.template,
                render.dataset, render.output, render.name, render.overrides, List.of(), render.toolkitDir, render.python);
        LaunchPipeline pipeline = LaunchPipeline.standard(s.env(), s.processRunner(),
                pins.request(model, s.env(), render.dataset));
        LaunchPreparation preparation = pipeline.prepare(request);
        Path outputDir = Path.of(preparation.outputFolder());

        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request(
                posixLauncher(s), windowsLauncher(s), scriptArguments(preparation), description(preparation)));
        List<Path> targets = new ArrayList<>();
        preparation.jobs().forEach(j -> targets.add(Path.of(j.config())));
        targets.add(outputDir.resolve(StartScripts.SH));
        if (scripts.batch() != null) {
            targets.add(outputDir.resolve(StartScripts.BAT));
        }
        List<String> existing = targets.stream().filter(Files::exists).map(p -> p.getFileName().toString()).toList();
        if (!existing.isEmpty() && !force) {
            throw new LauncherException(ExitCode.USAGE, String.join(", ", existing) + (existing.size() == 1 ? " already exists" : " already exist")
                    + " in " + outputDir + "; add --force to overwrite, or choose another --output");
        }
        List<Path> written = new ArrayList<>(LaunchPipeline.writeConfigs(preparation));
        written.addAll(StartScripts.write(outputDir, scripts));
        preparation = pipeline.check(preparation);

        PrintWriter out = s.out();
        if (output.json()) {
            out.println(Json.write(new Result(written.stream().map(Path::toString).toList(), scripts.batchSkipped(), preparation)));
            return ExitCode.OK.code();
        }
        LaunchReport.print(out, preparation, true);
        out.println();
        out.println("Wrote:");
        written.forEach(p -> out.println("  " + p));
        if (scripts.batchSkipped() != null) {
            out.println("note: " + scripts.batchSkipped());
        }
        out.println("Start training with " + outputDir.resolve(StartScripts.SH) + " (Windows: "
                + StartScripts.BAT + "); add --dry-run to check first. Set HF_TOKEN in your environment for gated models.");
        return ExitCode.OK.code();
    }

    /** The launch the scripts run: the configs just written, the same profile and toolkit. */
    private List<String> scriptArguments(LaunchPreparation preparation) {
        List<String> args = new ArrayList<>();
        args.add("launch");
        for (PreparedJob job : preparation.jobs()) {
            args.add("--config");
            args.add(job.config());
        }
        if (gpu.gpuMemory() != null) {
            args.add("--gpu-memory");
            args.add(sizeFlag(gpu.gpuMemory()));
        }
        if (gpu.gpus() != null) {
            args.add("--gpus");
            args.add(String.valueOf(gpu.gpus()));
        }
        if (render.toolkitDir != null) {
            args.add("--toolkit-dir");
            args.add(services().env().resolve(render.toolkitDir).toString());
        }
        if (render.python != null) {
            args.add("--python");
            args.add(render.python);
        }
        return args;
    }

    private static String sizeFlag(ByteSize size) {
        long gib = 1024L * 1024 * 1024;
        return size.bytes() % gib == 0 ? (size.bytes() / gib) + "GB" : size.toMib() + "MiB";
    }

    private static String description(LaunchPreparation p) {
        int n = p.jobs().size();
        return "Starts the ai-toolkit training " + (n == 1 ? "run" : "runs (" + n + " jobs)")
                + " that aitk-launcher init prepared in this folder.";
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

    /** The --json document: files written, the .bat's skip reason if any, and what was decided. */
    record Result(List<String> written, String batchSkipped, LaunchPreparation preparation) {
    }
}
