package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Main builds only the subcommand the first argument names; everything that lists commands still sees them all. */
class SubcommandRegistrationTest {
    @TempDir
    Path home;

    private Services services() {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        return new Services(CliRun.in(home).environment(), nowhere, nowhere, Clock.systemUTC(), new ZtProcessRunner(), false);
    }

    @Test
    void namingACommandBuildsOnlyThatOne() {
        CliRun.Result r = CliRun.in(home).run("detect", "--gpu-memory", "24GB", "--gpus", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Main.commandLine(services(), new String[] {"detect"}).getSubcommands()).containsOnlyKeys("detect");
    }

    @Test
    void helpNoCommandAndCompletionSeeEveryCommand() {
        String[] all = {"detect", "plan", "init", "validate", "migrate-data", "prefetch", "launch", "diagnose",
            "doctor", "submit", "status", "cancel", "completion"};

        assertThat(CliRun.in(home).run("--help").out()).contains(all);
        assertThat(CliRun.in(home).run().err()).contains("Missing command").contains(all);
        assertThat(Main.commandLine(services(), new String[] {"completion"}).getSubcommands()).containsOnlyKeys(all);
    }

    @Test
    void aTypoStillGetsSuggestions() {
        CliRun.Result r = CliRun.in(home).run("detec");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Did you mean").contains("detect");
    }
}
