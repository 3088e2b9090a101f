package dev.aitk.launcher.hardware;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Counts NVIDIA display controllers on the PCI bus through Linux sysfs when nvidia-smi cannot answer
 * (a container without the driver's tools, a broken driver). sysfs knows vendor and class, not memory.
 * Where the driver is loaded, /proc/driver/nvidia/gpus/BUS/information adds the model name and UUID.
 */
public final class SysfsPciScan {
    static final String NVIDIA_VENDOR = "0x10de";
    private final Path root;

    /** {@code root} is the file system root ("/" on a real machine; a temp dir in tests). */
    public SysfsPciScan(Path root) {
        this.root = root;
    }

    public Path devicesDir() {
        return root.resolve("sys/bus/pci/devices");
    }

    /** The NVIDIA GPUs in PCI bus order (the order nvidia-smi numbers them), or empty. */
    public List<GpuInfo> scan() throws IOException {
        List<String> addresses = new ArrayList<>();
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(devicesDir())) {
            for (Path device : devices) {
                String vendor = read(device.resolve("vendor")).orElse("");
                String pciClass = read(device.resolve("class")).orElse("");
                // Class 0x03xxxx is a display controller (0x030000 VGA, 0x030200 3D such as H100); the same
                // vendor's audio functions and NVSwitch bridges are other classes and not GPUs.
                if (vendor.equalsIgnoreCase(NVIDIA_VENDOR) && pciClass.toLowerCase(Locale.ROOT).startsWith("0x03")) {
                    addresses.add(device.getFileName().toString());
                }
            }
        }
        addresses.sort(String::compareToIgnoreCase);
        List<GpuInfo> gpus = new ArrayList<>();
        for (String address : addresses) {
            Path device = devicesDir().resolve(address);
            String deviceId = read(device.resolve("device")).orElse("unknown");
            Path info = root.resolve("proc/driver/nvidia/gpus").resolve(address).resolve("information");
            String model = field(info, "Model").orElse("NVIDIA GPU (PCI device " + deviceId + ")");
            String uuid = field(info, "GPU UUID").orElse(null);
            gpus.add(new GpuInfo(gpus.size(), model, uuid, null, null, null, null, null,
                    nvidiaSmiBusId(address), Source.SYSFS));
        }
        return gpus;
    }

    /** sysfs writes 0000:00:06.0, nvidia-smi 00000000:00:06.0; report the nvidia-smi form so both compare. */
    static String nvidiaSmiBusId(String sysfsAddress) {
        int colon = sysfsAddress.indexOf(':');
        if (colon < 0 || colon >= 8) {
            return sysfsAddress;
        }
        return "0".repeat(8 - colon) + sysfsAddress.toUpperCase(Locale.ROOT);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> field(Path file, String name) {
        Optional<String> text = read(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        for (String line : text.get().split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                String value = line.substring(colon + 1).trim();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
