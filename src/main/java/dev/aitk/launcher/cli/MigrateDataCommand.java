package dev.aitk.launcher.cli;

import dev.aitk.launcher.data.DatasetMigrator;
import dev.aitk.launcher.data.Layout;
import dev.aitk.launcher.data.MigrationProgress;
import dev.aitk.launcher.data.MigrationOutcome;
import dev.aitk.launcher.data.MigrationRequest;
import dev.aitk.launcher.data.ReportText;
import dev.aitk.launcher.data.TransferMode;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Turn an inpainting dataset (targets, masked images, masks) into the layout ai-toolkit reads. */
@Command(name = "migrate-data", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Turn an inpainting dataset (targets, masked images, masks) into the",
            "layout ai-toolkit reads.",
            "",
            "Files pair by base name (a.jpg target, a.webp masked, a.png mask). Files",
            "that do not pair up, or whose size differs from the target's, are listed",
            "by name and left out; the rest is migrated. Sources are never modified;",
            "re-running writes only what changed. Guide: docs/migration.md",
            "",
            "Layouts:",
            "  kontext  images/ + control/ (masked images): FLUX.1 Kontext fills holes",
            "  flex2    images/ + inpaint/ (RGBA PNGs, hole transparent): Flex.2",
            "  mask     images/ + masks/ (gray focus masks): FLUX.1-dev, loss weight only",
            "",
            "Examples:",
            "  aitk-launcher migrate-data --targets data/target --masked data/masked",
            "      --masks data/mask --output datasets/shoes --layout kontext",
            "  aitk-launcher migrate-data --targets t --masks m --output out",
            "      --layout flex2 --link --default-caption \"a photo of [trigger]\"",
            "      --trigger sh0e --config my_lora.yaml",
            "  aitk-launcher migrate-data --targets t --masked d --output out --dry-run",
            "",
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   migrated (left-out files are listed; use --strict to fail on them)",
            "  2   usage error (bad flag, output inside a source folder)",
            "  3   a source folder or --config is missing or invalid, nothing pairs up,",
            "      or --strict and files were left out",
            "  7   the output cannot be written (permissions, disk full)",
        })
public final class MigrateDataCommand extends BaseCommand {
    private static final long PROGRESS_EVERY_MILLIS = 2000;

    @Option(names = "--targets", required = true, paramLabel = "DIR", description = "Target images (what the model should produce).")
    Path targets;

    @Option(names = "--masked", paramLabel = "DIR", description = "Masked images (the target with the hole). Needed for kontext; flex2 takes their colors when given.")
    Path masked;

    @Option(names = "--masks", paramLabel = "DIR", description = "Masks, white = the hole. Needed for flex2 and mask.")
    Path masks;

    @Option(names = "--captions", paramLabel = "DIR", description = "Caption files named like the targets (default: beside the targets).")
    Path captions;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where the ai-toolkit dataset is written.")
    Path outputDir;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "kontext",
            description = "kontext, flex2 or mask (default: ${DEFAULT-VALUE}).", converter = LayoutConverter.class)
    Layout layout;

    @ArgGroup(exclusive = true)
    Transfer transfer;

    static final class Transfer {
        @Option(names = "--copy", description = "Copy files that need no conversion (default).")
        boolean copy;

        @Option(names = "--link", description = "Hard-link them instead (no extra space; copies where file systems differ).")
        boolean link;
    }

    @Option(names = "--caption-ext", paramLabel = "EXT", defaultValue = "txt", description = "Caption file extension, ai-toolkit's caption_ext (default: ${DEFAULT-VALUE}).")
    String captionExt;

    @Option(names = "--default-caption", paramLabel = "TEXT", description = "default_caption for targets without a caption file; may contain [trigger].")
    String defaultCaption;

    @Option(names = "--trigger", paramLabel = "WORD", description = "trigger_word: ai-toolkit puts it where captions say [trigger].")
    String trigger;

    @Option(names = "--config", paramLabel = "FILE", description = "Write the dataset entry into this ai-toolkit config (keeps comments and a .bak).")
    Path config;

    @Option(names = "--dataset-index", paramLabel = "N", defaultValue = "0", description = "Which datasets[] entry --config sets (default: ${DEFAULT-VALUE}; one past the end appends).")
    int datasetIndex;

    @Option(names = "--strict", description = "Exit 3 and write nothing when any file would be left out.")
    boolean strict;

    @Option(names = "--dry-run", description = "Show what would be written; write nothing.")
    boolean dryRun;

    @Option(names = "--jobs", paramLabel = "N", converter = PositiveIntConverter.class, description = "Parallel file operations (default: cores, at least 4).")
    Integer jobs;

    @Override
    protected int execute() {
        FlagConflicts.refuseWithout(spec.commandLine().getParseResult(), "--config", List.of("--dataset-index"),
                "it picks the datasets[] entry of the --config file to update");
        Services s = services();
        MigrationRequest request = new MigrationRequest(resolve(targets), Optional.ofNullable(resolve(masked)),
                Optional.ofNullable(resolve(masks)), Optional.ofNullable(resolve(captions)), resolve(outputDir), layout,
                transfer != null && transfer.link ? TransferMode.LINK : TransferMode.COPY, stripDot(captionExt),
                Optional.ofNullable(defaultCaption), Optional.ofNullable(trigger), strict, dryRun,
                jobs != null ? jobs : Math.max(4, Runtime.getRuntime().availableProcessors()));
        MigrationOutcome outcome = new DatasetMigrator(new ProgressLines(s.err(), s.clock())).migrate(request, resolve(config), datasetIndex);
        Optional<LauncherException> failure = outcome.failure(strict);
        if (this.output.json()) {
            if (failure.isPresent()) {
                foundBeforeFailing(outcome);
            } else {
                s.out().println(Json.write(outcome));
            }
        } else {
            s.out().print(ReportText.format(outcome.report(), outcome.config()));
        }
        if (failure.isPresent()) {
            throw failure.get();
        }
        return ExitCode.OK.code();
    }

    private Path resolve(Path p) {
        return p == null ? null : services().env().resolve(p);
    }

    private static String stripDot(String ext) {
        return ext.startsWith(".") ? ext.substring(1) : ext;
    }

    /** A progress line on stderr at most every two seconds, and the last one of each phase once lines were shown. */
    private static final class ProgressLines implements MigrationProgress {
        private final PrintWriter err;
        private final Clock clock;
        private long lastMillis;
        private boolean shownThisPhase;
        private String phase = "";

        ProgressLines(PrintWriter err, Clock clock) {
            this.err = err;
            this.clock = clock;
            this.lastMillis = clock.millis();
        }

        @Override
        public synchronized void update(String phase, long done, long total) {
            if (!phase.equals(this.phase)) {
                this.phase = phase;
                shownThisPhase = false;
            }
            long now = clock.millis();
            boolean last = done == total;
            if (now - lastMillis >= PROGRESS_EVERY_MILLIS || (last && shownThisPhase)) {
                err.println("migrate-data: " + phase + " " + done + "/" + total + " (" + (done * 100 / Math.max(1, total)) + "%)");
                err.flush();
                lastMillis = now;
                shownThisPhase = true;
            }
        }
    }

    static final class LayoutConverter implements picocli.CommandLine.ITypeConverter<Layout> {
        @Override
        public Layout convert(String value) {
            for (Layout l : Layout.values()) {
                if (l.cliName().equalsIgnoreCase(value.trim())) {
                    return l;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a layout; use kontext, flex2 or mask");
        }
    }
}
