package dev.aitk.launcher.cli;

import dev.aitk.launcher.hub.DownloadTuning;
import dev.aitk.launcher.hub.GlobPatterns;
import dev.aitk.launcher.hub.ModelReferences;
import dev.aitk.launcher.hub.PrefetchReport;
import dev.aitk.launcher.hub.PrefetchRequest;
import dev.aitk.launcher.hub.Prefetcher;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Download what a run needs into the Hugging Face cache, fast and resumable, so run.py loads offline. */
@Command(name = "prefetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Download what a run needs into the Hugging Face cache, fast and resumable, so run.py loads offline.",
            "",
            "Given a model id it fetches, for a diffusers repo, model_index.json and the components it names",
            "(not the single-file checkpoints beside them); given an ai-toolkit config it fetches every Hub",
            "reference in it (model.name_or_path, extras_name_or_path, assistant_lora_path, qtype|adapter).",
            "Files already cached are not fetched again; an interrupted download resumes where it stopped.",
            "",
            "Examples:",
            "  aitk-launcher prefetch black-forest-labs/FLUX.1-dev",
            "  aitk-launcher prefetch config/my_flux_lora.yaml",
            "  aitk-launcher prefetch black-forest-labs/FLUX.1-dev --components transformer,vae --json",
            "  aitk-launcher prefetch config/my_flux_lora.yaml --offline     # is everything cached?",
            "  HF_ENDPOINT=https://mirror.example prefetch org/model --cache-dir /data/hf/hub",
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  everything is in the cache",
            "  2  bad flag or value",
            "  3  the config cannot be read",
            "  5  download failed (gated repo, bad token, not found, no network, disk full, ...) or, with",
            "     --offline, something is missing from the cache",
        })
public final class PrefetchCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MODEL|CONFIG",
            description = "A Hub model id (org/name, or org/name/file for one file) or an ai-toolkit config file.")
    String target;

    @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit of a MODEL (default: main; a config's model.revision wins).")
    String revision;

    @Option(names = "--components", split = ",", paramLabel = "NAME",
            description = "Only these diffusers components of the main model, e.g. transformer,text_encoder_2.")
    List<String> components = new ArrayList<>();

    @Option(names = "--include", split = ",", paramLabel = "GLOB",
            description = "Fetch exactly the files matching (fnmatch, * crosses /), instead of the component rules.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", split = ",", paramLabel = "GLOB", description = "Never fetch files matching.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "URL", description = "Hub or mirror to use (default: HF_ENDPOINT, else https://huggingface.co).")
    String endpoint;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Hub cache folder (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub).")
    Path cacheDir;

    @Option(names = "--offline", description = "Do not use the network: check that the cache holds everything and list what is missing.")
    boolean offline;

    @Option(names = "--connections", paramLabel = "N", converter = PositiveIntConverter.class,
            description = "Parallel connections across all files (default: ${DEFAULT-VALUE}).")
    int connections = DownloadTuning.DEFAULT_CONNECTIONS;

    @Option(names = "--chunk-size", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "Size of one ranged request and of the unit of resume (default: 16MiB).")
    ByteSize chunkSize;

    @Option(names = "--no-sync", description = {"Skip the fsync before each file's rename: faster where the disk is slower than the",
            "network, but a power cut may then leave a corrupt file in the cache (as huggingface_hub and aria2c may)."})
    boolean noSync;

    @Override
    protected int execute() {
        FlagConflicts.refuseWith(spec.commandLine().getParseResult(), "--offline",
                List.of("--endpoint", "--connections", "--chunk-size", "--no-sync"), "--offline only reads the cache");
        Services s = services();
        Prefetcher prefetcher = Prefetcher.forEnvironment(s.env(), Optional.ofNullable(endpoint), Optional.ofNullable(cacheDir), tuning());
        PrefetchRequest request = new PrefetchRequest(ModelReferences.forTarget(target, Optional.ofNullable(revision), s.env()),
                components, new GlobPatterns(include, exclude), offline);
        PrefetchReport report;
        try (PrefetchProgress progress = new PrefetchProgress(s.err(), s.terminal(), output.json() ? null : s.out())) {
            // Ctrl+C (SIGINT) ends the JVM with 130 without unwinding this thread: the hook says what is kept.
            Thread onStop = new Thread(() -> saidOnStop(s, progress, prefetcher), "prefetch-stopped");
            Runtime.getRuntime().addShutdownHook(onStop);
            try {
                report = prefetcher.prefetch(request, progress);
            } finally {
                removeHook(onStop);
            }
        }
        if (output.json() && !report.complete()) {
            foundBeforeFailing(report);
        } else if (output.json()) {
            s.out().println(Json.write(report));
        } else if (report.repos().isEmpty()) {
            s.out().println("Nothing to prefetch: every model reference in " + target + " is a local path.");
        } else {
            PrefetchSummary.print(s.out(), report);
        }
        if (!report.complete()) {
            throw new LauncherException(ExitCode.DOWNLOAD_FAILED, report.missingSentence()
                    + "; run 'aitk-launcher prefetch " + target + "' with network access");
        }
        return ExitCode.OK.code();
    }

    private void saidOnStop(Services s, PrefetchProgress progress, Prefetcher prefetcher) {
        progress.stop();
        String sentence = "prefetch stopped (Ctrl+C) after fetching " + new ByteSize(progress.fetchedNowBytes()).human()
                + " in this run; every completed chunk is kept in " + prefetcher.cacheRoot()
                + " (each partial file beside its resume journal); run the same command again to resume from there";
        s.err().println("stopped: " + sentence);
        s.err().flush();
        if (output.json()) {
            s.out().println(Json.write(ErrorReport.of(sentence, ExitCode.INTERRUPTED, "aitk-launcher prefetch", null)));
            s.out().flush();
        }
        // SIGINT would exit 130 by itself, SIGTERM 143; the exit-code table has one code for both.
        Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code());
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting (Ctrl+C): the hook is running and says what is kept.
        }
    }

    private DownloadTuning tuning() {
        DownloadTuning tuning = DownloadTuning.defaults().withConnections(connections).withSyncBeforeRename(!noSync);
        if (chunkSize == null) {
            return tuning;
        }
        if (chunkSize.bytes() < 64 * 1024) {
            throw new LauncherException(ExitCode.USAGE, "--chunk-size " + chunkSize.human() + " is too small; use at least 64KiB, e.g. 16MiB");
        }
        return tuning.withChunkBytes(chunkSize.bytes());
    }
}
