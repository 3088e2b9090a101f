package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.hardware.Fixtures;
import dev.aitk.launcher.util.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `detect` here, fed the H200's real nvidia-smi answer, says what the same jar said on that H200
 * (fixtures/h200: the launcher's own output there, idle and with 18 GiB in use).
 */
class DetectOnH200Test {
    @TempDir
    Path home;

    private CliRun onTheH200(String capture) {
        Path bin = home.resolve("bin");
        Fixtures.fakeNvidiaSmi(bin, Fixtures.h200(capture), "", 0);
        return CliRun.in(home).env("PATH", bin.toString());
    }

    @Test
    void jsonGpusMatchWhatTheLauncherPrintedOnTheH200() throws Exception {
        for (String state : new String[] {"", "-busy"}) {
            CliRun.Result r = onTheH200("nvidia-smi-query-noheader-nounits" + state + ".csv").run("detect", "--json");

            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode here = Json.mapper().readTree(r.out());
            JsonNode there = Json.mapper().readTree(Fixtures.h200("detect" + state + ".json"));
            assertThat(here.get("gpus")).as(state).isEqualTo(there.get("gpus"));
            assertThat(here.get("gpuSource")).isEqualTo(there.get("gpuSource"));
            assertThat(here.get("notes")).isEqualTo(there.get("notes"));
            assertThat(here.get("tried")).isEqualTo(there.get("tried"));
        }
    }

    @Test
    void theTableRowsMatchWhatTheLauncherPrintedOnTheH200() throws Exception {
        CliRun.Result r = onTheH200("nvidia-smi-query-noheader-nounits-busy.csv").run("detect");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String there = Fixtures.h200("detect-busy.txt");
        // The host line differs (this machine's RAM and disk); the GPU table and the notes may not.
        assertThat(r.out().lines().filter(l -> !l.startsWith("Host:")))
                .containsExactlyElementsOf(there.lines().filter(l -> !l.startsWith("Host:")).toList());
        assertThat(there).contains("0      NVIDIA H200                      143771     124814  00000000:00:06.0  nvidia-smi");
    }
}
