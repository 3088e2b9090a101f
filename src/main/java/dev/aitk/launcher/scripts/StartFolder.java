package dev.aitk.launcher.scripts;

import dev.aitk.launcher.launch.LaunchPipeline;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.LaunchRequest;
import dev.aitk.launcher.launch.PreparedJob;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.FileReplacement;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * init's workflow: a ready-to-run folder for one machine profile. The config is planned and rendered as launch
 * would, written, and validated where it lies; only a config without errors gets the start scripts that launch
 * it with the same profile, so a folder never holds scripts that would start a run bound to fail. Files are
 * written by the one {@link FileReplacement} rule: what the user edited is replaced only with --force.
 */
public final class StartFolder {
    private final Environment env;
    private final LaunchPipeline pipeline;

    public StartFolder(Environment env, LaunchPipeline pipeline) {
        this.env = env;
        this.pipeline = pipeline;
    }

    /**
     * @param launch          the flags, as launch gets them (--dataset and --output are required here)
     * @param posixLauncher   the launcher start_training.sh runs (an absolute path, or a name on PATH)
     * @param windowsLauncher the launcher start_training.bat runs
     * @param force           replace files the user edited (each kept as .bak)
     */
    public record Request(LaunchRequest launch, String posixLauncher, String windowsLauncher, boolean force) {
    }

    /** What was written (and which edited files were kept as .bak), why a .bat is missing if it is, and what was decided. */
    public record Result(List<String> written, List<String> keptAsBackup, String batchSkipped, LaunchPreparation preparation) {
    }

    /** The config has validation errors: it was written (so the findings' lines can be looked up), the scripts not. */
    public static final class InvalidConfig extends LauncherException {
        private final transient LaunchPreparation preparation;

        InvalidConfig(LaunchPreparation preparation, List<String> configs) {
            super(ExitCode.INPUT_INVALID, String.join(", ", configs) + (configs.size() == 1 ? " has" : " have")
                    + " validation errors (see its findings), so no start scripts were written; fix the flags, the "
                    + "dataset or the config, then run init again");
            this.preparation = preparation;
        }

        public LaunchPreparation preparation() {
            return preparation;
        }
    }

    public Result create(Request request) {
        LaunchRequest launch = request.launch();
        if (launch.dataset() == null || launch.output() == null) {
            throw new LauncherException(ExitCode.USAGE, "init needs --dataset DIR and --output DIR, e.g. "
                    + "aitk-launcher init --gpu-memory 24GB --gpus 1 --dataset ./data --output ./runs/my_lora");
        }
        LaunchPreparation preparation = pipeline.prepare(launch);
        Path folder = Path.of(preparation.outputFolder());
        StartScripts.Scripts scripts = StartScripts.render(new StartScripts.Request(request.posixLauncher(),
                request.windowsLauncher(), scriptArguments(launch, preparation), description(preparation)));

        List<FileReplacement.Planned> configs = preparation.jobs().stream().filter(PreparedJob::rendered)
                .map(j -> new FileReplacement.Planned(Path.of(j.config()), j.yaml())).toList();
        List<FileReplacement.Planned> starters = StartScripts.files(folder, scripts);
        List<FileReplacement.Planned> all = new ArrayList<>(configs);
        all.addAll(starters);
        String fix = "add --force to replace them (each edited file is kept as <name>.bak), or choose another --output";
        FileReplacement.check(all, request.force(), fix);

        List<FileReplacement.Written> written = new ArrayList<>(FileReplacement.writeAll(configs, request.force(), fix));
        LaunchPreparation checked = pipeline.check(preparation);
        List<String> invalid = checked.jobs().stream().filter(PreparedJob::findingsHaveErrors).map(PreparedJob::config).toList();
        if (!invalid.isEmpty()) {
            throw new InvalidConfig(checked, invalid);
        }
        written.addAll(FileReplacement.writeAll(starters, request.force(), fix));
        return new Result(written.stream().map(w -> w.path().toString()).toList(),
                written.stream().filter(w -> w.backup() != null).map(w -> w.backup().toString()).toList(),
                scripts.batchSkipped(), checked);
    }

    /** The launch the scripts run: the configs just written, the same profile and toolkit. */
    private List<String> scriptArguments(LaunchRequest launch, LaunchPreparation preparation) {
        List<String> args = new ArrayList<>();
        args.add("launch");
        for (PreparedJob job : preparation.jobs()) {
            args.add("--config");
            args.add(job.config());
        }
        if (launch.gpuMemory() != null) {
            args.add("--gpu-memory");
            args.add(sizeFlag(launch.gpuMemory()));
        }
        if (launch.gpus() != null) {
            args.add("--gpus");
            args.add(String.valueOf(launch.gpus()));
        }
        if (launch.toolkitDir() != null) {
            args.add("--toolkit-dir");
            args.add(env.resolve(launch.toolkitDir()).toString());
        }
        if (launch.python() != null) {
            args.add("--python");
            args.add(launch.python());
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
}
