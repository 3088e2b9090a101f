package dev.aitk.launcher.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VisibleDevicesTest {
    private static final List<GpuInfo> FOUR = List.of(
            gpu(0, "NVIDIA H100 80GB HBM3", "GPU-9f5cdcbb-efd3-de84-584a-2b187126d488"),
            gpu(1, "NVIDIA H100 80GB HBM3", "GPU-11111111-2222-3333-4444-555555555555"),
            gpu(2, "NVIDIA H100 80GB HBM3", "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"),
            gpu(3, "NVIDIA H100 80GB HBM3", "GPU-abcdef00-0000-0000-0000-000000000000"));

    private static GpuInfo gpu(int index, String name, String uuid) {
        return new GpuInfo(index, name, uuid, 81559L, 0L, 81079L, "580.159.04", "9.0", null, Source.NVIDIA_SMI);
    }

    private static List<Integer> indices(String value) {
        return VisibleDevices.apply(value, FOUR, true).gpus().stream().map(GpuInfo::index).toList();
    }

    @Test
    void unsetMeansEveryCard() {
        VisibleDevices.Selection s = VisibleDevices.apply(null, FOUR, false);
        assertThat(s.gpus()).isEqualTo(FOUR);
        assertThat(s.notes()).isEmpty();
    }

    @Test
    void indicesKeepTheUsersOrderAndNvidiaSmisNumbers() {
        assertThat(indices("2")).containsExactly(2);
        assertThat(indices("3,1")).containsExactly(3, 1);
        assertThat(indices(" 0 , 2 ")).containsExactly(0, 2);
    }

    @Test
    void uuidsWithOrWithoutPrefixAndUniquePrefixes() {
        assertThat(indices("GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")).containsExactly(2);
        assertThat(indices("11111111-2222-3333-4444-555555555555,GPU-9f5c")).containsExactly(1, 0);
        assertThat(indices("gpu-AAAAAAAA")).containsExactly(2);
    }

    @Test
    void anAmbiguousPrefixNamesNoCard() {
        // "GPU-a" fits both aaaaaaaa... and abcdef00...; CUDA refuses it, and stops there.
        assertThat(indices("1,GPU-a,2")).containsExactly(1);
    }

    @Test
    void emptyAndMinusOneHideEverything() {
        VisibleDevices.Selection empty = VisibleDevices.apply("", FOUR, true);
        assertThat(empty.gpus()).isEmpty();
        assertThat(empty.notes()).singleElement().asString().contains("set but empty");

        VisibleDevices.Selection none = VisibleDevices.apply("-1", FOUR, true);
        assertThat(none.gpus()).isEmpty();
        assertThat(none.notes()).anyMatch(n -> n.contains("'-1' names no detected GPU"));
    }

    @Test
    void readingStopsAtTheFirstEntryThatNamesNoCard() {
        assertThat(indices("0,-1,1")).containsExactly(0);
        assertThat(indices("1,7,2")).containsExactly(1);
        assertThat(indices("MIG-5f3b1b0a-0000-0000-0000-000000000000")).isEmpty();
        assertThat(VisibleDevices.apply("MIG-5f3b", FOUR, true).notes()).anyMatch(n -> n.contains("MIG"));
    }

    @Test
    void theRestrictionIsReported() {
        assertThat(VisibleDevices.apply("1,2", FOUR, true).notes())
                .containsExactly("CUDA_VISIBLE_DEVICES=1,2 restricts this run to 2 of 4 detected GPUs");
    }

    @Test
    void indicesOnMixedCardsWithoutPciBusOrderAreWarnedAbout() {
        List<GpuInfo> mixed = List.of(gpu(0, "NVIDIA GeForce RTX 3060", "GPU-1"), gpu(1, "NVIDIA GeForce RTX 4090", "GPU-2"));

        assertThat(VisibleDevices.apply("1", mixed, false).notes()).anyMatch(n -> n.contains("CUDA_DEVICE_ORDER=PCI_BUS_ID"));
        assertThat(VisibleDevices.apply("1", mixed, true).notes()).noneMatch(n -> n.contains("CUDA_DEVICE_ORDER"));
        assertThat(VisibleDevices.apply("GPU-2", mixed, false).notes()).noneMatch(n -> n.contains("CUDA_DEVICE_ORDER"));
    }
}
