package dev.aitk.launcher.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The entry point: wires commands, the error handler and the exit-code mapping, then exits with the code. */
@Command(name = "aitk-launcher",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Plans, validates, prefetches and supervises ai-toolkit FLUX LoRA training runs.",
            "",
            "Start with:  aitk-launcher launch --gpu-memory 80GB --gpus 2 --dry-run"
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   done",
            "  1   internal error (a bug: report it)",
            "  2   usage error (bad flag or value)",
            "  3   input invalid (config or dataset errors; unreadable input)",
            "  4   does not fit (no plan fits the GPUs)",
            "  5   download failed (after retries and fallback)",
            "  6   training failed (after the recovery budget)",
            "  7   environment not usable (no ai-toolkit, no interpreter, no GPU and no flags)",
            "  130 interrupted (Ctrl+C / SIGTERM), children stopped",
        })
public final class Main implements Runnable {
    /** The subcommands in help order; see {@link #commandLine(Services, String[])} for why they are listed here. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(
            DetectCommand.class,
            PlanCommand.class,
            InitCommand.class,
            ValidateCommand.class,
            MigrateDataCommand.class,
            PrefetchCommand.class,
            LaunchCommand.class,
            DiagnoseCommand.class,
            DoctorCommand.class,
            SubmitCommand.class,
            StatusCommand.class,
            CancelCommand.class,
            CompletionCommand.class);

    private final Services services;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    Main(Services services) {
        this.services = services;
    }

    Services services() {
        return services;
    }

    @Override
    public void run() {
        // No subcommand: teach instead of failing silently.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: pick one of "
                + String.join(", ", spec.commandLine().getSubcommands().keySet()));
    }

    public static void main(String[] args) {
        System.exit(run(Services.system(), args));
    }

    /** Runs the launcher in-process and returns the exit code; tests call this with their own services. */
    public static int run(Services services, String... args) {
        CommandLine cl = commandLine(services, args);
        int code = cl.execute(args);
        services.out().flush();
        services.err().flush();
        return code;
    }

    static CommandLine commandLine(Services services) {
        return commandLine(services, new String[0]);
    }

    /**
     * picocli builds the model of every registered subcommand up front, which measured ~50 ms of start-up
     * for all of them (docs/benchmarks.md); when the first argument names a subcommand only that one is
     * built. No command, help, a typo (for suggestions) and `completion` see them all.
     */
    static CommandLine commandLine(Services services, String[] args) {
        CommandLine cl = new CommandLine(new Main(services));
        Class<?> only = args.length > 0 && !"completion".equals(args[0]) ? named(args[0]) : null;
        for (Class<?> subcommand : SUBCOMMANDS) {
            if (only == null || subcommand == only) {
                cl.addSubcommand(subcommand);
            }
        }
        cl.setOut(services.out());
        cl.setErr(services.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // --model flux2-klein-4b: the variants' command-line spelling has hyphens, their enum names underscores.
        cl.registerConverter(dev.aitk.launcher.plan.ModelVariant.class, dev.aitk.launcher.plan.ModelVariant::parse);
        ErrorPrinter errors = new ErrorPrinter();
        cl.setParameterExceptionHandler(errors);
        cl.setExecutionExceptionHandler(errors);
        return cl;
    }

    private static Class<?> named(String name) {
        for (Class<?> subcommand : SUBCOMMANDS) {
            Command command = subcommand.getAnnotation(Command.class);
            if (command.name().equals(name) || List.of(command.aliases()).contains(name)) {
                return subcommand;
            }
        }
        return null;
    }

    /** The version comes from the jar's manifest; a build from sources says so. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"aitk-launcher " + (v == null ? "(development build)" : v)
                    + " on Java " + System.getProperty("java.version")};
        }
    }
}
