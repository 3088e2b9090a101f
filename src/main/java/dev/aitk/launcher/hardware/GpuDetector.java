package dev.aitk.launcher.hardware;

import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The detect stage: explicit flags, then nvidia-smi, then a sysfs PCI scan, then OSHI; first that answers
 * wins, and every value says where it came from.
 *
 * <p>Flags: {@code --gpu-memory} with {@code --gpus} describe the machine outright (no GPU probing);
 * {@code --gpus N} alone uses the first N visible cards (asking for more is a usage error);
 * {@code --gpu-memory} alone overrides the memory of the detected cards, or describes one card when none
 * is detected.
 */
public final class GpuDetector {
    /** nvidia-smi takes a few seconds on a cold multi-GPU machine without persistence mode; a hung driver never answers. */
    public static final Duration DEFAULT_NVIDIA_SMI_TIMEOUT = NvidiaSmi.DEFAULT_TIMEOUT;

    private final Environment env;
    private final ProcessRunner processRunner;
    private final Path root;
    private final Duration nvidiaSmiTimeout;
    private final Supplier<SystemProbe> systemProbe;

    public GpuDetector(Environment env, ProcessRunner processRunner) {
        this(env, processRunner, MachineView.system());
    }

    /** Detection on {@code machine}: its file system root and OSHI view (a test folder in tests). */
    public GpuDetector(Environment env, ProcessRunner processRunner, MachineView machine) {
        this(env, processRunner, machine.fileSystemRoot(), DEFAULT_NVIDIA_SMI_TIMEOUT, machine.systemProbe());
    }

    /**
     * @param root the file system root under which sys/bus/pci and proc/driver/nvidia are read ("/" normally)
     * @param systemProbe builds the OSHI view on first use only (OSHI costs start-up time)
     */
    public GpuDetector(Environment env, ProcessRunner processRunner, Path root, Duration nvidiaSmiTimeout,
                       Supplier<SystemProbe> systemProbe) {
        this.env = env;
        this.processRunner = processRunner;
        this.root = root;
        this.nvidiaSmiTimeout = nvidiaSmiTimeout;
        this.systemProbe = memoize(systemProbe);
    }

    /**
     * Detects the GPUs this run may use. {@code gpuMemory}/{@code gpus} are the user's flags (null when not
     * given). An empty inventory means nothing was found; {@link GpuInventory#requireGpus()} turns that into
     * exit 7. Asking with {@code --gpus} for more cards than are visible is a usage error (exit 2).
     */
    public GpuInventory detect(ByteSize gpuMemory, Integer gpus) {
        HostInfo host = new HostProbe(env, root, systemProbe).probe();
        if (gpuMemory != null && gpus != null) {
            List<String> notes = new ArrayList<>(List.of(gpus + " GPU" + plural(gpus) + " of " + gpuMemory.human()
                    + " as described by --gpu-memory/--gpus; GPUs were not probed"));
            List<Integer> indices = flagIndices(gpus, rawVariable(VisibleDevices.VARIABLE), notes);
            return new GpuInventory(flagGpus(gpuMemory, indices), Source.FLAGS, host, notes, List.of());
        }
        List<String> notes = new ArrayList<>();
        List<Source> tried = new ArrayList<>();
        List<GpuInfo> detected = probe(notes, tried);
        Source source = detected.isEmpty() ? Source.NONE : detected.get(0).source();

        VisibleDevices.Selection visible = VisibleDevices.apply(rawVariable(VisibleDevices.VARIABLE), detected,
                "PCI_BUS_ID".equals(env.get("CUDA_DEVICE_ORDER").orElse("")));
        notes.addAll(visible.notes());
        List<GpuInfo> chosen = visible.gpus();

        if (chosen.isEmpty()) {
            if (gpuMemory != null) {
                notes.add("no usable GPU was detected, so --gpu-memory " + gpuMemory.human()
                        + " describes 1 GPU; pass --gpus N for more");
                List<Integer> indices = flagIndices(1, rawVariable(VisibleDevices.VARIABLE), notes);
                return new GpuInventory(flagGpus(gpuMemory, indices), Source.FLAGS, host, notes, tried);
            }
            return new GpuInventory(List.of(), Source.NONE, host, notes, tried);
        }
        if (gpus != null) {
            if (gpus > chosen.size()) {
                throw new LauncherException(ExitCode.USAGE, "--gpus " + gpus + " asks for more GPUs than the "
                        + chosen.size() + " found (" + describe(chosen) + ", via " + source.label() + "); pass --gpus "
                        + chosen.size() + " or fewer, or describe the machine with --gpu-memory SIZE --gpus " + gpus);
            }
            if (gpus < chosen.size()) {
                notes.add("--gpus " + gpus + " uses the first " + gpus + " of the " + chosen.size() + " GPUs found");
                chosen = chosen.subList(0, gpus);
            }
        }
        if (gpuMemory != null) {
            String was = chosen.stream().map(g -> g.memoryKnown() ? g.totalMib() + " MiB" : "unknown")
                    .distinct().collect(Collectors.joining(", "));
            notes.add("--gpu-memory " + gpuMemory.human() + " sets each GPU's memory (" + source.label() + " said: " + was + ")");
            chosen = chosen.stream().map(g -> g.withFlagMemory(gpuMemory.toMib())).toList();
        }
        return new GpuInventory(chosen, source, host, notes, tried);
    }

    private List<GpuInfo> probe(List<String> notes, List<Source> tried) {
        tried.add(Source.NVIDIA_SMI);
        List<GpuInfo> found = new NvidiaSmi(env, processRunner, nvidiaSmiTimeout).query(notes);
        if (!found.isEmpty()) {
            return found;
        }
        if (isLinux()) {
            tried.add(Source.SYSFS);
            found = sysfs(notes);
            if (!found.isEmpty()) {
                return found;
            }
        }
        tried.add(Source.OSHI);
        try {
            return OshiCards.nvidia(systemProbe.get().graphicsCards(), notes);
        } catch (RuntimeException | LinkageError e) {
            notes.add("OSHI: could not list graphics cards (" + e.getClass().getSimpleName() + ")");
            return List.of();
        }
    }

    private List<GpuInfo> sysfs(List<String> notes) {
        SysfsPciScan scan = new SysfsPciScan(root);
        if (!Files.isDirectory(scan.devicesDir())) {
            notes.add("sysfs PCI scan: /sys/bus/pci/devices is not there");
            return List.of();
        }
        try {
            List<GpuInfo> gpus = scan.scan();
            notes.add(gpus.isEmpty() ? "sysfs PCI scan: no NVIDIA display controller (vendor 0x10de, class 0x03xxxx) on the PCI bus"
                    : "sysfs PCI scan: found " + gpus.size() + " NVIDIA GPU" + plural(gpus.size())
                            + " (count only, memory unknown: pass --gpu-memory SIZE)");
            return gpus;
        } catch (IOException | RuntimeException e) {
            notes.add("sysfs PCI scan: could not read /sys/bus/pci/devices (" + e.getMessage() + ")");
            return List.of();
        }
    }

    private boolean isLinux() {
        return env.osName().toLowerCase(Locale.ROOT).contains("linux");
    }

    /** Unlike {@link Environment#get}, an empty value counts: CUDA_VISIBLE_DEVICES="" hides every GPU. */
    private String rawVariable(String name) {
        String value = env.variables().get(name);
        if (value == null && env.isWindows()) {
            value = env.variables().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        return value;
    }

    private static List<GpuInfo> flagGpus(ByteSize gpuMemory, List<Integer> indices) {
        return indices.stream().map(i -> new GpuInfo(i, "GPU with " + gpuMemory.human(), null, gpuMemory.toMib(),
                null, null, null, null, null, Source.FLAGS, Source.FLAGS)).toList();
    }

    /**
     * Described GPUs are numbered 0..N-1, unless the user's CUDA_VISIBLE_DEVICES lists at least N indices:
     * then they take those, so the run lands on the cards the user set aside rather than on GPU 0.
     */
    private static List<Integer> flagIndices(int count, String visible, List<String> notes) {
        List<Integer> defaults = IntStream.range(0, count).boxed().toList();
        if (visible == null) {
            return defaults;
        }
        List<String> entries = Arrays.stream(visible.split(",")).map(String::trim).toList();
        if (entries.size() >= count && entries.stream().limit(count).allMatch(e -> e.matches("\\d{1,3}"))
                && entries.stream().limit(count).distinct().count() == count) {
            List<Integer> indices = entries.stream().limit(count).map(Integer::parseInt).toList();
            notes.add("the described GPUs are numbered " + indices.stream().map(String::valueOf)
                    .collect(Collectors.joining(",")) + " as " + VisibleDevices.VARIABLE + "=" + visible + " names them");
            return indices;
        }
        notes.add(VisibleDevices.VARIABLE + "=" + visible + " is set but does not name " + count + " GPU" + plural(count)
                + " by index; the described GPUs are numbered 0.." + (count - 1));
        return defaults;
    }

    private static String describe(List<GpuInfo> gpus) {
        return gpus.stream().map(g -> g.index() + ": " + g.name()).collect(Collectors.joining(", "));
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
