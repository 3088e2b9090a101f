package dev.aitk.launcher.cli;

import picocli.CommandLine.Option;

/** --json and --verbose, one spelling on every command. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print the result as JSON (same data as the human output).")
    boolean json;

    @Option(names = "--verbose", description = "Show more detail, including stack traces of errors.")
    boolean verbose;

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }
}
