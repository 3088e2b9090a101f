package dev.aitk.launcher.cli;

import dev.aitk.launcher.launch.LaunchPipeline;
import dev.aitk.launcher.launch.LaunchPreparation;
import dev.aitk.launcher.launch.LaunchRequest;
import dev.aitk.launcher.launch.RealRun;
import dev.aitk.launcher.plan.ModelChoice;
import dev.aitk.launcher.supervise.ParallelRuns;
import dev.aitk.launcher.supervise.RunRecord;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Plan, render, validate, prefetch and run ai-toolkit supervised; --dry-run stops before starting anything. */
@Command(name = "launch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Plan, render, validate, prefetch and run ai-toolkit supervised, recovering from failures.",
            "With --dry-run: detect, plan, render the config(s) into the output folder, print the validation "
                    + "findings, and print the exact command and environment the real launch would use.",
            "",
            "Examples:",
            "  aitk-launcher launch --gpu-memory 80GB --gpus 2 --dry-run",
            "  aitk-launcher launch --model kontext --dataset data --name my_lora \\",
            "      --set datasets[0].control_path=data/masked --dry-run",
            "  aitk-launcher launch --set train.lr=5e-5 --output runs --dry-run",
            "  aitk-launcher launch --config runs/my_lora.yaml --toolkit-dir ~/ai-toolkit",
            ""
        })
public final class LaunchCommand extends BaseCommand {
    @Mixin
    GpuOptions gpu;

    @Mixin
    RenderOptions render;

    @Mixin
    PlanPinOptions pins;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Launch an existing ai-toolkit config as it is (no planning or rendering). Repeatable: one job each.")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--dry-run", description = "Decide everything and write the config(s), but start nothing.")
    boolean dryRun;

    @Mixin
    SuperviseOptions supervise;

    @Option(names = "--no-prefetch", description = "Do not download the model(s) first; run.py downloads what it "
            + "needs itself, online (reported).")
    boolean noPrefetch;

    @Option(names = "--deep", description = "Validate as 'validate --deep' does: decode every image fully "
            + "(slower; finds corrupt pixel data that headers do not show).")
    boolean deep;

    @Option(names = "--offline", description = "Use no network: check that the cache holds every model the config(s) "
            + "need (exit 5 naming what is missing), run run.py with HF_HUB_OFFLINE=1, and never send it online to "
            + "recover.")
    boolean offline;

    @Option(names = "--ignore-validation", description = "Start even when validation finds errors (they are still "
            + "printed, and the override is reported).")
    boolean ignoreValidation;

    @Override
    protected int execute() throws InterruptedException {
        LaunchFlagRules.refuseWithConfig(spec.commandLine().getParseResult(), pins.options());
        Services s = services();
        ModelSelection model = ModelSelection.of(render.model, render.template, render.dataset, s.env());
        LaunchRequest request = new LaunchRequest(gpu.gpuMemory(), gpu.gpus(),
                pins.request(model, s.env(), render.dataset), render.template, render.dataset, render.output,
                render.name, render.overrides, configs, render.toolkitDir, render.python);
        LaunchPipeline pipeline = LaunchPipeline.standard(s.env(), s.gpuDetector(), deep);
        RealRun.Options options = new RealRun.Options(noPrefetch, offline, ignoreValidation, supervise.policy());
        if (!dryRun) {
            return realRun(s, pipeline, request, options);
        }
        LaunchPreparation preparation = pipeline.dryRun(request);
        RealRunPreview preview = RealRunPreview.of(options, preparation, s.env());
        PrintWriter out = s.out();
        if (output.json()) {
            out.println(Json.write(new Result(true, false, configs.isEmpty() ? model.choice() : null, preparation, preview)));
        } else {
            if (configs.isEmpty()) {
                LaunchReport.printModel(out, model.choice());
            }
            LaunchReport.print(out, preparation, true, preview.onValidationErrors());
            out.println();
            out.println("Without --dry-run:");
            preview.lines().forEach(l -> out.println("  " + l));
            out.println("Dry run: nothing was started. Without --dry-run the launcher would run the command(s) above.");
        }
        return ExitCode.OK.code();
    }

    /** The real run (see {@link RealRun#launch}); the exit code is the worst of the runs'. */
    private int realRun(Services s, LaunchPipeline pipeline, LaunchRequest request, RealRun.Options options)
            throws InterruptedException {
        List<RunRecord> records = new RealRun(s.env(), s.clock(), s.processRunner()).launch(pipeline, request,
                options, new LaunchPrinter(s, output.json()));
        // A stop the user asked for is not an error: the printer has said how to resume, and --json has the records.
        if (ParallelRuns.failed(records)) {
            return failedWithReport(ParallelRuns.overall(records), failureSentence(records), new FailedRuns(records));
        }
        return ParallelRuns.overall(records).code();
    }

    /** One run: its own message in parentheses and its fix after "; "; several: which did not succeed. */
    static String failureSentence(List<RunRecord> records) {
        List<RunRecord> bad = records.stream().filter(r -> r.exit() != ExitCode.OK).toList();
        if (records.size() == 1) {
            RunRecord r = bad.get(0);
            return r.name() + " " + r.status() + " after " + r.attempts().size() + " attempt(s) (" + r.message() + ")"
                    + (r.fix() == null ? "" : "; " + r.fix());
        }
        return bad.size() + " of " + records.size() + " runs did not succeed ("
                + String.join(", ", bad.stream().map(r -> r.name() + ": " + r.status()).toList())
                + "); run 'aitk-launcher diagnose' on each one's run.json for the cause and the fix";
    }

    /** Under --json, a failed launch's records beside the error object (a record's own exitCode and fix stay in it). */
    record FailedRuns(List<RunRecord> runs) {
    }

    /**
     * The --json document: whether this was a dry run, whether anything was started, the model and why, what was
     * decided, and (dry run) what the run-time flags would do without --dry-run.
     */
    record Result(boolean dryRun, boolean started, ModelChoice model, LaunchPreparation preparation, RealRunPreview realRun) {
    }
}
