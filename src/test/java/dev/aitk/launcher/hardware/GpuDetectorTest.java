package dev.aitk.launcher.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detection chain against fake nvidia-smi programs, a sysfs tree rebuilt from the H100 capture, and OSHI's captured view. */
class GpuDetectorTest {
    private static final String H100 = Fixtures.h100CsvLine();
    private static final String SECOND_H100 = "1, NVIDIA H100 80GB HBM3, GPU-0c9d4a6e-1111-2222-3333-444455556666, 81559, 512, 80567, 580.159.04, 9.0, 00000000:00:07.0";
    private static final String RTX_4090 = "1, NVIDIA GeForce RTX 4090, GPU-7d2e0000-aaaa-bbbb-cccc-ddddeeeeffff, 24564, 1210, 22968, 580.159.04, 8.9, 00000000:41:00.0";

    @TempDir
    Path tmp;

    private final Map<String, String> vars = new HashMap<>();
    private final AtomicInteger oshiBuilt = new AtomicInteger();
    private SystemProbe oshi = Fixtures.oshiFromCapture(Fixtures.h100("oshi-probe.txt"));
    private Duration timeout = Duration.ofSeconds(20);
    private String os = "Linux";

    private Path bin() {
        return tmp.resolve("bin");
    }

    private Path root() {
        return tmp.resolve("root");
    }

    private GpuInventory detect(ByteSize memory, Integer gpus) throws Exception {
        Files.createDirectories(bin());
        Files.createDirectories(root());
        vars.putIfAbsent("PATH", bin().toString());
        Environment env = new Environment(vars, os, tmp, tmp);
        return new GpuDetector(env, new ZtProcessRunner(), root(), timeout, () -> {
            oshiBuilt.incrementAndGet();
            return oshi;
        }).detect(memory, gpus);
    }

    @Test
    void oneH100AsTheRealVmAnswered() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100, "", 0);

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpuSource()).isEqualTo(Source.NVIDIA_SMI);
        assertThat(inv.gpus()).singleElement().satisfies(g -> {
            assertThat(g.totalMib()).isEqualTo(81559L);
            assertThat(g.source()).isEqualTo(Source.NVIDIA_SMI);
        });
        assertThat(inv.tried()).containsExactly(Source.NVIDIA_SMI);
        assertThat(inv.notes()).containsExactly("nvidia-smi: found 1 GPU");
        assertThat(Files.readString(bin().resolve("nvidia-smi.calls")).strip())
                .isEqualTo("--query-gpu=index,name,uuid,memory.total,memory.used,memory.free,driver_version,compute_cap,pci.bus_id"
                        + " --format=csv,noheader,nounits");
        assertThat(oshiBuilt).as("OSHI is not loaded when nvidia-smi answers").hasValue(0);
        assertThat(inv.host().source()).isEqualTo(Source.JDK);
        assertThat(inv.host().ramMib()).isPositive();
        assertThat(inv.host().cpuCores()).isPositive();
        assertThat(inv.host().diskFreeMib()).isNotNull();
    }

    @Test
    void twoGpus() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100 + "\n" + SECOND_H100, "", 0);

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpus()).extracting(GpuInfo::index).containsExactly(0, 1);
        assertThat(inv.gpus().get(1).freeMib()).isEqualTo(80567L);
        assertThat(inv.memoryKnown()).isTrue();
    }

    @Test
    void mixedGpusKeepTheirOwnMemory() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100 + "\n" + RTX_4090, "", 0);

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpus()).extracting(GpuInfo::name, GpuInfo::totalMib)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("NVIDIA H100 80GB HBM3", 81559L),
                        org.assertj.core.groups.Tuple.tuple("NVIDIA GeForce RTX 4090", 24564L));
    }

    @Test
    void missingNvidiaSmiFallsThroughToTheSysfsScan() throws Exception {
        Fixtures.sysfsFromCapture(root(), Fixtures.h100("sys-pci.txt"), false);

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpuSource()).isEqualTo(Source.SYSFS);
        assertThat(inv.gpus()).singleElement().satisfies(g -> assertThat(g.memoryKnown()).isFalse());
        assertThat(inv.notes()).first().asString().contains("nvidia-smi: not found on PATH");
        assertThat(inv.notes()).anyMatch(n -> n.contains("count only, memory unknown"));
        assertThat(inv.tried()).containsExactly(Source.NVIDIA_SMI, Source.SYSFS);
        assertThatThrownBy(inv::requireKnownMemory)
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("--gpu-memory SIZE")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.ENVIRONMENT));
        assertThat(oshiBuilt).hasValue(0);
    }

    @Test
    void gpuMemoryCompletesACountOnlyScan() throws Exception {
        Fixtures.sysfsFromCapture(root(), Fixtures.h100("sys-pci.txt"), true);

        GpuInventory inv = detect(ByteSize.parse("80GB"), null);

        assertThat(inv.gpus()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(g.totalMib()).isEqualTo(81920L);
            assertThat(g.source()).isEqualTo(Source.SYSFS);
            assertThat(g.memorySource()).isEqualTo(Source.FLAGS);
        });
        assertThat(inv.requireKnownMemory()).isSameAs(inv);
        assertThat(inv.notes()).anyMatch(n -> n.contains("--gpu-memory 80.0 GiB sets each GPU's memory (sysfs PCI scan said: unknown)"));
    }

    @Test
    void aHungNvidiaSmiIsStoppedAfterTheTimeout() throws Exception {
        Fixtures.script(bin(), "exec /bin/sleep 60\n");
        Fixtures.sysfsFromCapture(root(), Fixtures.h100("sys-pci.txt"), false);
        timeout = Duration.ofSeconds(1);

        long start = System.nanoTime();
        GpuInventory inv = detect(null, null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(inv.notes()).first().asString().isEqualTo("nvidia-smi: no answer within 1 s, so it was stopped (a hung driver?)");
        assertThat(inv.gpuSource()).isEqualTo(Source.SYSFS);
        assertThat(took).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void garbageFromNvidiaSmiIsReportedAndSkipped() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), "\u001b[31mSegmentation fault\u001b[0m\nlol, what", "", 0);

        GpuInventory inv = detect(null, null);

        assertThat(inv.isEmpty()).isTrue();
        assertThat(inv.notes()).first().asString().startsWith("nvidia-smi: printed nothing we understand:").contains("Segmentation fault");
        assertThat(inv.tried()).containsExactly(Source.NVIDIA_SMI, Source.SYSFS, Source.OSHI);
    }

    @Test
    void aDriverLibraryMismatchIsTheNoteAndDetectionFallsThrough() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), "Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 580.159", "", 18);
        Fixtures.sysfsFromCapture(root(), Fixtures.h100("sys-pci.txt"), false);

        GpuInventory inv = detect(null, null);

        assertThat(inv.notes()).first().asString()
                .isEqualTo("nvidia-smi: failed with exit code 18: Failed to initialize NVML: Driver/library version mismatch");
        assertThat(inv.gpuSource()).isEqualTo(Source.SYSFS);
    }

    @Test
    void oshiOnTheH100VmSawOnlyAnUnknownCardWithNoMemory() throws Exception {
        GpuInventory inv = detect(null, null);

        assertThat(inv.isEmpty()).isTrue();
        assertThat(inv.gpuSource()).isEqualTo(Source.NONE);
        assertThat(inv.notes()).last().asString().isEqualTo("OSHI: no NVIDIA graphics card (saw: unknown (vendor unknown, 0 bytes))");
        assertThatThrownBy(inv::requireGpus)
                .hasMessage("no NVIDIA GPU found (tried nvidia-smi, /sys/bus/pci, OSHI); pass --gpu-memory SIZE --gpus N to describe the machine")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.ENVIRONMENT));
    }

    @Test
    void oshiCardsCountOnWindowsButZeroAndCappedMemoryIsNotTrusted() throws Exception {
        os = "Windows 11";
        vars.put("ProgramFiles", tmp.resolve("no-such-dir").toString());
        oshi = Fixtures.probe(List.of(
                new SystemProbe.Card("NVIDIA GeForce RTX 3090", "NVIDIA", "PCI\\VEN_10DE&DEV_2204", 4L * 1024 * 1024 * 1024),
                new SystemProbe.Card("NVIDIA GeForce RTX 4090", "NVIDIA", "PCI\\VEN_10DE&DEV_2684", 0xFFFFFFFFL),
                new SystemProbe.Card("NVIDIA RTX A6000", "NVIDIA", "PCI\\VEN_10DE&DEV_2230", 48L * 1024 * 1024 * 1024),
                new SystemProbe.Card("Intel(R) UHD Graphics 770", "Intel Corporation", "PCI\\VEN_8086&DEV_4680", 1L << 30)),
                64L << 30, "Microsoft Windows 11");

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpuSource()).isEqualTo(Source.OSHI);
        assertThat(inv.tried()).containsExactly(Source.NVIDIA_SMI, Source.OSHI);
        assertThat(inv.gpus()).extracting(GpuInfo::name, GpuInfo::totalMib).containsExactly(
                org.assertj.core.groups.Tuple.tuple("NVIDIA GeForce RTX 3090", null),
                org.assertj.core.groups.Tuple.tuple("NVIDIA GeForce RTX 4090", null),
                org.assertj.core.groups.Tuple.tuple("NVIDIA RTX A6000", 49152L));
        assertThat(inv.notes()).filteredOn(n -> n.contains("not trusted")).hasSize(2);
        assertThat(oshiBuilt).hasValue(1);
    }

    @Test
    void bothFlagsDescribeTheMachineWithoutProbing() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100, "", 0);

        GpuInventory inv = detect(ByteSize.parse("24GB"), 2);

        assertThat(inv.gpuSource()).isEqualTo(Source.FLAGS);
        assertThat(inv.gpus()).extracting(GpuInfo::totalMib).containsExactly(24576L, 24576L);
        assertThat(inv.gpus()).allMatch(g -> g.source() == Source.FLAGS && g.memorySource() == Source.FLAGS);
        assertThat(bin().resolve("nvidia-smi.calls")).doesNotExist();
        assertThat(oshiBuilt).hasValue(0);
    }

    @Test
    void gpusAlonePicksTheFirstDetected() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100 + "\n" + SECOND_H100, "", 0);

        GpuInventory inv = detect(null, 1);

        assertThat(inv.gpus()).extracting(GpuInfo::index).containsExactly(0);
        assertThat(inv.notes()).contains("--gpus 1 uses the first 1 of the 2 GPUs found");
    }

    @Test
    void gpusBeyondWhatWasFoundIsAUsageErrorSayingWhatWasFound() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100, "", 0);

        assertThatThrownBy(() -> detect(null, 4))
                .isInstanceOf(LauncherException.class)
                .hasMessage("--gpus 4 asks for more GPUs than the 1 found (0: NVIDIA H100 80GB HBM3, via nvidia-smi);"
                        + " pass --gpus 1 or fewer, or describe the machine with --gpu-memory SIZE --gpus 4")
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(ExitCode.USAGE));
    }

    @Test
    void gpuMemoryAloneOverridesDetectedCardsAndSaysSo() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100 + "\n" + SECOND_H100, "", 0);

        GpuInventory inv = detect(ByteSize.parse("40GB"), null);

        assertThat(inv.gpuSource()).isEqualTo(Source.NVIDIA_SMI);
        assertThat(inv.gpus()).extracting(GpuInfo::totalMib).containsExactly(40960L, 40960L);
        assertThat(inv.gpus()).allMatch(g -> g.source() == Source.NVIDIA_SMI && g.memorySource() == Source.FLAGS);
        assertThat(inv.gpus()).extracting(GpuInfo::usedMib).containsExactly(0L, 512L);
        assertThat(inv.gpus()).extracting(GpuInfo::freeMib).containsExactly(40960L, 40448L);
        assertThat(inv.notes()).contains("--gpu-memory 40.0 GiB sets each GPU's memory (nvidia-smi said: 81559 MiB)");
    }

    @Test
    void gpuMemoryAloneWithNothingDetectedDescribesOneCard() throws Exception {
        GpuInventory inv = detect(ByteSize.parse("24GB"), null);

        assertThat(inv.gpuSource()).isEqualTo(Source.FLAGS);
        assertThat(inv.gpus()).singleElement().satisfies(g -> assertThat(g.totalMib()).isEqualTo(24576L));
        assertThat(inv.notes()).last().asString().contains("describes 1 GPU; pass --gpus N for more");
    }

    @Test
    void cudaVisibleDevicesRestrictsTheInventoryAndKeepsNvidiaSmiIndices() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100 + "\n" + SECOND_H100, "", 0);
        vars.put("CUDA_VISIBLE_DEVICES", "GPU-0c9d4a6e");

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpus()).extracting(GpuInfo::index).containsExactly(1);
        assertThat(inv.notes()).contains("CUDA_VISIBLE_DEVICES=GPU-0c9d4a6e restricts this run to 1 of 2 detected GPUs");
    }

    @Test
    void anEmptyCudaVisibleDevicesHidesEveryGpu() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100, "", 0);
        vars.put("CUDA_VISIBLE_DEVICES", "");

        GpuInventory inv = detect(null, null);

        assertThat(inv.isEmpty()).isTrue();
        assertThat(inv.notes()).anyMatch(n -> n.contains("set but empty"));
    }

    @Test
    void gpusCountsAfterCudaVisibleDevices() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), H100 + "\n" + SECOND_H100, "", 0);
        vars.put("CUDA_VISIBLE_DEVICES", "1");

        assertThatThrownBy(() -> detect(null, 2)).hasMessageContaining("than the 1 found (1: NVIDIA H100 80GB HBM3");
    }
    @Test
    void onWindowsNvidiaSmiExeIsFoundThroughPathext() throws Exception {
        os = "Windows 11";
        Path program = Fixtures.fakeNvidiaSmi(bin(), H100, "", 0);
        Files.move(program, bin().resolve("nvidia-smi.exe"));
        vars.put("PATH", tmp.resolve("elsewhere") + ";" + bin());
        vars.put("PATHEXT", ".COM;.EXE;.BAT;.CMD");

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpuSource()).isEqualTo(Source.NVIDIA_SMI);
        assertThat(inv.count()).isEqualTo(1);
    }

    @Test
    void onWindowsOlderDriversNvidiaSmiUnderProgramFilesIsFound() throws Exception {
        os = "Windows 10";
        Path nvsmi = Files.createDirectories(tmp.resolve("Program Files/NVIDIA Corporation/NVSMI"));
        Path program = Fixtures.fakeNvidiaSmi(nvsmi, H100 + "\n" + RTX_4090, "", 0);
        Files.move(program, nvsmi.resolve("nvidia-smi.exe"));
        vars.put("ProgramFiles", tmp.resolve("Program Files").toString());

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpuSource()).isEqualTo(Source.NVIDIA_SMI);
        assertThat(inv.count()).isEqualTo(2);
        assertThat(oshiBuilt).hasValue(0);
    }
    @Test
    void describedGpusTakeTheIndicesCudaVisibleDevicesSetsAside() throws Exception {
        vars.put("CUDA_VISIBLE_DEVICES", "2,3");

        GpuInventory inv = detect(ByteSize.parse("80GB"), 2);

        assertThat(inv.gpus()).extracting(GpuInfo::index).containsExactly(2, 3);
        assertThat(inv.notes()).contains("the described GPUs are numbered 2,3 as CUDA_VISIBLE_DEVICES=2,3 names them");

        vars.put("CUDA_VISIBLE_DEVICES", "GPU-9f5cdcbb");
        GpuInventory byUuid = detect(ByteSize.parse("80GB"), 1);
        assertThat(byUuid.gpus()).extracting(GpuInfo::index).containsExactly(0);
        assertThat(byUuid.notes()).anyMatch(n -> n.contains("does not name 1 GPU by index; the described GPUs are numbered 0..0"));
    }
    @Test
    void aCardThatFellOffTheBusLeavesTheHealthyOnesUsable() throws Exception {
        Fixtures.fakeNvidiaSmi(bin(), "Unable to determine the device handle for GPU0: 0000:00:05.0: Unknown Error\n" + H100, "", 15);

        GpuInventory inv = detect(null, null);

        assertThat(inv.gpuSource()).isEqualTo(Source.NVIDIA_SMI);
        assertThat(inv.gpus()).extracting(GpuInfo::index).containsExactly(0);
        assertThat(inv.notes()).containsExactly("nvidia-smi: exit code 15 (Unable to determine the device handle for GPU0:"
                + " 0000:00:05.0: Unknown Error), but it listed 1 GPU; using those", "nvidia-smi: found 1 GPU");
    }
}
