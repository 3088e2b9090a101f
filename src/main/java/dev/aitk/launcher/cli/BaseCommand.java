package dev.aitk.launcher.cli;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.Json;
import dev.aitk.launcher.util.Redaction;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A thin command: parse, call one core entry point, map the result to an exit code. Core failures the
 * user can fix are {@link dev.aitk.launcher.util.LauncherException}s; {@link Main} prints them.
 */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected OutputOptions output;

    private Object foundBeforeFailing;

    protected Services services() {
        return ((Main) spec.root().userObject()).services();
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /**
     * What the command had found when it failed, such as the plan's refusal: with --json it is printed beside
     * the error in the one object on stdout (see {@link ErrorReport}), instead of as a second document.
     */
    protected final void foundBeforeFailing(Object found) {
        this.foundBeforeFailing = found;
    }

    final Object foundBeforeFailing() {
        return foundBeforeFailing;
    }

    /**
     * A command whose report says it failed (validation errors, a failed doctor check, a failed run): the
     * sentence on stderr as every error has it, and with --json one object on stdout, the error, exit code and
     * fix with the report's fields beside them (see {@link ErrorReport}), so a script reads one rule everywhere.
     * Without --json the caller has printed the report as text already.
     */
    protected final int failedWithReport(ExitCode code, String sentence, Object report) {
        Services s = services();
        String safe = Redaction.urlCredentials(sentence);
        if (output.json()) {
            s.out().println(Json.write(ErrorReport.of(safe, code, spec.qualifiedName(), report)));
        }
        s.err().println("error: " + safe);
        return code.code();
    }

    /** Why a report means the command failed: its exit code and the one sentence (what, where, the fix). */
    protected record Failure(ExitCode code, String sentence) {
    }

    /**
     * Ends a command that has a report (validate, doctor, status): the report as text through {@code asText} unless
     * --json; then {@code failure} (null when none) through {@link #failedWithReport}, or the report as JSON.
     */
    protected final int finishWithReport(Object report, Consumer<PrintWriter> asText, Failure failure) {
        if (!output.json()) {
            asText.accept(services().out());
        }
        if (failure != null) {
            return failedWithReport(failure.code(), failure.sentence(), report);
        }
        if (output.json()) {
            services().out().println(Json.write(report));
        }
        return ExitCode.OK.code();
    }

    /** Runs the command and returns its exit code (see {@link dev.aitk.launcher.util.ExitCode}). */
    protected abstract int execute() throws Exception;
}
