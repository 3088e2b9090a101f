package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.supervise.LogEvent;
import dev.aitk.launcher.supervise.RunSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunReporterTest {
    private static RunSnapshot step(long n) {
        return new RunSnapshot(n, 100L, 1.5, 10L, 1e-4, 0.25, 0, false, null, null, null, null, null, null, false,
                false, false, List.of(), List.of(), 0, null);
    }

    @Test
    void onATerminalTheStatusLineIsRedrawnInPlaceAndEventsGoAboveIt() {
        StringWriter text = new StringWriter();
        RunReporter r = new RunReporter(new PrintWriter(text, true), true, null);
        r.progress(step(5));
        r.event(new LogEvent.SaveFinished("out/x_000000005.safetensors"));
        r.progress(step(6));

        String out = text.toString();
        assertThat(out).startsWith("\rstep 5/100 (5%)  1.50 s/it");
        assertThat(out).contains("\r" + " ".repeat("step 5/100 (5%)  1.50 s/it  ETA 00:10  loss 0.2500  lr 1.0e-04".length())
                + "\rsaved out/x_000000005.safetensors\n");
        assertThat(out).endsWith("\rstep 6/100 (6%)  1.50 s/it  ETA 00:10  loss 0.2500  lr 1.0e-04");
    }

    @Test
    void elsewhereProgressIsAPlainLineNowAndThen() {
        StringWriter text = new StringWriter();
        RunReporter r = new RunReporter(new PrintWriter(text, true), false, null);
        for (int i = 1; i <= 50; i++) {
            r.progress(step(i));
        }
        r.note("stalled: no output");
        assertThat(text.toString()).doesNotContain("\r")
                .isEqualTo("step 1/100 (1%)  1.50 s/it  ETA 00:10  loss 0.2500  lr 1.0e-04\nstalled: no output\n");
    }
}
