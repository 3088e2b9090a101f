package dev.aitk.launcher.hardware;

import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ProcessRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * The detect stage: explicit flags, then nvidia-smi, then a sysfs PCI scan, then OSHI; first that answers
 * wins, and every value says where it came from.
 */
public final class GpuDetector {
    private final Environment env;
    private final ProcessRunner processRunner;

    public GpuDetector(Environment env, ProcessRunner processRunner) {
        this.env = env;
        this.processRunner = processRunner;
    }

    /**
     * Detects the GPUs this run may use. {@code gpuMemory}/{@code gpus} are the user's flags (null when not
     * given).
     */
    public GpuInventory detect(ByteSize gpuMemory, Integer gpus) {
        List<GpuInfo> found = new ArrayList<>();
        if (gpuMemory != null) {
            int n = gpus == null ? 1 : gpus;
            for (int i = 0; i < n; i++) {
                found.add(new GpuInfo(i, "GPU with " + gpuMemory.human(), null, gpuMemory.toMib(), 0L,
                        gpuMemory.toMib(), null, null, null, Source.FLAGS));
            }
            return new GpuInventory(found, Source.FLAGS, new HostInfo(env.osName(), null, null, Source.NONE),
                    List.of("GPUs described by --gpu-memory/--gpus"));
        }
        return new GpuInventory(found, Source.NONE, new HostInfo(env.osName(), null, null, Source.NONE),
                List.of("detection beyond flags is not in this build (" + processRunner.getClass().getSimpleName() + ")"));
    }
}
