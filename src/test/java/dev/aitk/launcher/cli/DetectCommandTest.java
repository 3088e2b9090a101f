package dev.aitk.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.hardware.Fixtures;
import dev.aitk.launcher.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `detect` as a user runs it: a fake nvidia-smi first on PATH, the whole CLI in-process. */
class DetectCommandTest {
    private static final String TWO_H100 = """
            0, NVIDIA H100 80GB HBM3, GPU-9f5cdcbb-efd3-de84-584a-2b187126d488, 81559, 0, 81079, 580.159.04, 9.0, 00000000:00:06.0
            1, NVIDIA H100 80GB HBM3, GPU-0c9d4a6e-1111-2222-3333-444455556666, 81559, 512, 80567, 580.159.04, 9.0, 00000000:00:07.0
            """;

    @TempDir
    Path home;

    private CliRun withNvidiaSmi(String answer) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.writeString(bin.resolve("answer.csv"), answer);
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nexec /bin/cat \"" + bin.resolve("answer.csv") + "\"\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        return CliRun.in(home).env("PATH", bin.toString());
    }

    @Test
    void printsATableOfTheGpusWithTheirSourceAndTheHost() throws Exception {
        CliRun.Result r = withNvidiaSmi(TWO_H100).run("detect");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("GPUs (2, from nvidia-smi):")
                .containsPattern("index +name +total MiB +free MiB +bus id +source")
                .containsPattern("0 +NVIDIA H100 80GB HBM3 +81559 +81079 +00000000:00:06.0 +nvidia-smi")
                .containsPattern("1 +NVIDIA H100 80GB HBM3 +81559 +80567 +00000000:00:07.0 +nvidia-smi")
                .containsPattern("Host: .*RAM, \\d+ CPU cores, .* free in .*\\(RAM from .+\\)")
                .contains("  - nvidia-smi: found 2 GPUs");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonCarriesTheSameData() throws Exception {
        CliRun.Result r = withNvidiaSmi(TWO_H100).env("CUDA_VISIBLE_DEVICES", "1").run("detect", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = Json.mapper().readTree(r.out());
        assertThat(json.get("gpuSource").asText()).isEqualTo("NVIDIA_SMI");
        assertThat(json.get("gpus")).hasSize(1);
        JsonNode gpu = json.get("gpus").get(0);
        assertThat(gpu.get("index").asInt()).isEqualTo(1);
        assertThat(gpu.get("totalMib").asLong()).isEqualTo(81559);
        assertThat(gpu.get("uuid").asText()).isEqualTo("GPU-0c9d4a6e-1111-2222-3333-444455556666");
        assertThat(gpu.get("source").asText()).isEqualTo("NVIDIA_SMI");
        assertThat(json.get("host").get("cpuCores").asInt()).isPositive();
        assertThat(json.get("notes").toString()).contains("restricts this run to 1 of 2 detected GPUs");
        assertThat(json.has("empty")).isFalse();
    }

    @Test
    void flagsDescribeAMachineThatCannotBeDetected() {
        CliRun.Result r = CliRun.in(home).env("PATH", home.toString()).run("detect", "--gpu-memory", "80GB", "--gpus", "2");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("GPUs (2, from --gpu-memory/--gpus):")
                .containsPattern("1 +GPU with 80.0 GiB +81920 +\\? +- +--gpu-memory/--gpus");
    }

    @Test
    void gpuMemoryOverrideShowsInTheSourceColumn() throws Exception {
        CliRun.Result r = withNvidiaSmi(TWO_H100).run("detect", "--gpu-memory", "40GB");

        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(r.out()).containsPattern("0 +NVIDIA H100 80GB HBM3 +40960 .* nvidia-smi \\(memory: --gpu-memory/--gpus\\)");
    }

    @Test
    void askingForMoreGpusThanFoundIsAUsageError() throws Exception {
        CliRun.Result r = withNvidiaSmi(TWO_H100).run("detect", "--gpus", "3");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --gpus 3 asks for more GPUs than the 2 found");
    }

    @Test
    void nothingFoundAndNoFlagsExitsSevenSayingWhatWasTried() {
        CliRun.Result r = CliRun.in(home).env("PATH", home.toString()).run("detect");

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.out()).contains("GPUs: none found").contains("nvidia-smi: not found on PATH");
        assertThat(r.err().strip()).isEqualTo("error: no NVIDIA GPU found (tried nvidia-smi, /sys/bus/pci, OSHI);"
                + " pass --gpu-memory SIZE --gpus N to describe the machine");
    }

    @Test
    void aCardOnlyThePciBusShowsIsCountedWithoutMemoryAndPlanAsksForIt() {
        Path machine = Fixtures.sysfsFromCapture(home.resolve("h100-vm"), Fixtures.h100("sys-pci.txt"), true);

        CliRun.Result r = CliRun.in(home).env("PATH", home.toString()).machineRoot(machine).run("detect");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("GPUs (1, from sysfs PCI scan):")
                .containsPattern("0 +NVIDIA H100 80GB HBM3 +\\? +\\? +00000000:00:06.0 +sysfs PCI scan");
        CliRun.Result plan = CliRun.in(home).env("PATH", home.toString()).machineRoot(machine).run("plan");
        assertThat(plan.exitCode()).isEqualTo(7);
        assertThat(plan.err()).contains("pass --gpu-memory SIZE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"80XB", "-1", "0", "eighty"})
    void nonsenseSizesAreUsageErrorsNamingTheAcceptedForms(String size) {
        CliRun.Result r = CliRun.in(home).run("detect", "--gpu-memory", size, "--gpus", "1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--gpu-memory").contains("80GB, 80G, 24gb, 81559MiB");
    }

    @Test
    void aBadGpuCountIsAUsageError() {
        CliRun.Result r = CliRun.in(home).run("detect", "--gpu-memory", "24GB", "--gpus", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'0' is not a count");
    }

    @Test
    void helpTeachesWithExamples() {
        CliRun.Result r = CliRun.in(home).run("detect", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Examples:").contains("aitk-launcher detect --gpu-memory 24GB --gpus 1")
                .contains("CUDA_VISIBLE_DEVICES");
    }
}
