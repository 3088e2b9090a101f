package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.Redaction;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints every failure the same way: "error: " and the sentence on stderr (a usage error adds one line
 * pointing at --help instead of the whole usage text; --verbose adds the stack trace), and with --json
 * also one {@link ErrorReport} on stdout, so a script always has an object to parse.
 */
final class ErrorPrinter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String command = cl.getCommandSpec().qualifiedName();
        String sentence = Redaction.urlCredentials(sentence(ex, command));
        String hint = suggestion(ex) + "Run '" + command + " --help' for "
                + (cl.getSubcommands().isEmpty() ? "the flags." : "the commands.");
        cl.getErr().println("error: " + sentence);
        cl.getErr().println(hint);
        if (jsonWanted(args)) {
            String fix = ErrorReport.fixIn(sentence) != null ? ErrorReport.fixIn(sentence) : hint;
            cl.getOut().println(Json.write(new ErrorReport(sentence, ExitCode.USAGE.code(), fix, null)));
        }
        return ExitCode.USAGE.code();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        BaseCommand base = cl.getCommand() instanceof BaseCommand b ? b : null;
        boolean verbose = base != null && base.output != null && base.output.verbose();
        boolean json = base != null && base.output != null && base.output.json();
        String sentence;
        ExitCode code;
        if (ex instanceof LauncherException le) {
            sentence = le.getMessage();
            code = le.exitCode();
        } else {
            sentence = "internal error (" + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                    + "); this is a bug, please report it" + (verbose ? "" : " with the output of --verbose");
            code = ExitCode.INTERNAL;
        }
        // A sentence may quote a URL the user gave (HF_ENDPOINT, a proxy) with its password: never printed.
        sentence = Redaction.urlCredentials(sentence);
        PrintWriter err = cl.getErr();
        err.println("error: " + sentence);
        if (verbose) {
            ex.printStackTrace(err);
        }
        if (json) {
            String command = cl.getCommandSpec().qualifiedName();
            cl.getOut().println(Json.write(ErrorReport.of(sentence, code, command, base.foundBeforeFailing())));
        }
        return code.code();
    }

    /** picocli's sentence, except that a stray word says what it is not. */
    private static String sentence(ParameterException ex, String command) {
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            return "'" + u.getUnmatched().get(0) + "' is not "
                    + (u.getCommandLine().getSubcommands().isEmpty() ? "an argument of " + command : "a command");
        }
        return ex.getMessage();
    }

    /** picocli's "did you mean" for a mistyped flag or command, as the start of the hint line. */
    private static String suggestion(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            return "Did you mean " + String.join(" or ", u.getSuggestions()) + "? ";
        }
        return "";
    }

    /** A parse failure has no parsed options, so --json is looked for among the arguments before any "--". */
    private static boolean jsonWanted(String[] args) {
        List<String> all = Arrays.asList(args);
        int end = all.indexOf("--");
        return (end < 0 ? all : all.subList(0, end)).contains("--json");
    }
}
