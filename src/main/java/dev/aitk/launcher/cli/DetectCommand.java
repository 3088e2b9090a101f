package dev.aitk.launcher.cli;

import dev.aitk.launcher.hardware.GpuInfo;
import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.hardware.HostInfo;
import dev.aitk.launcher.hardware.Source;
import dev.aitk.launcher.util.ByteSize;
import dev.aitk.launcher.util.Json;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Detect the GPUs and host this run would use, and where each value came from. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Detect the GPUs and host this run would use, and where each value came from.",
            "",
            "Sources, first that answers wins: --gpu-memory/--gpus, nvidia-smi, a sysfs PCI scan (Linux; counts"
                    + " cards, memory unknown), OSHI (Windows/macOS cards). CUDA_VISIBLE_DEVICES (indices or GPU UUIDs)"
                    + " limits the GPUs to the ones it names; indices stay nvidia-smi's (PCI bus order).",
            "",
            "Flags: --gpu-memory with --gpus describes the machine outright, nothing is probed. --gpus N alone uses"
                    + " the first N GPUs found (more than found is an error). --gpu-memory alone sets the memory of"
                    + " the GPUs found, or describes one GPU when none is found.",
            "",
            "Examples:",
            "  aitk-launcher detect                              what this machine has",
            "  aitk-launcher detect --json                       the same, for scripts",
            "  aitk-launcher detect --gpus 1                     only the first GPU",
            "  aitk-launcher detect --gpu-memory 24GB --gpus 1   a machine to plan for",
            "  CUDA_VISIBLE_DEVICES=1 aitk-launcher detect       only GPU 1",
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   GPUs found (or described by flags)",
            "  2   bad flag value, or --gpus asks for more GPUs than were found",
            "  7   no NVIDIA GPU found and no flags describe one",
        })
public final class DetectCommand extends BaseCommand {
    @Mixin
    GpuOptions gpuOptions;

    @Override
    protected int execute() {
        Services s = services();
        GpuInventory inventory = s.gpuDetector().detect(gpuOptions.gpuMemory(), gpuOptions.gpus());
        if (output.json() && inventory.isEmpty()) {
            foundBeforeFailing(inventory);
        } else if (output.json()) {
            s.out().println(Json.write(inventory));
        } else {
            printHuman(inventory, s.out());
        }
        s.out().flush();
        inventory.requireGpus();
        return 0;
    }

    private static void printHuman(GpuInventory inventory, PrintWriter out) {
        if (inventory.isEmpty()) {
            out.println("GPUs: none found");
        } else {
            out.println("GPUs (" + inventory.count() + ", from " + inventory.gpuSource().label() + "):");
            String format = "  %-5s  %-28s  %9s  %9s  %-16s  %s%n";
            out.printf(Locale.ROOT, format, "index", "name", "total MiB", "free MiB", "bus id", "source");
            for (GpuInfo g : inventory.gpus()) {
                String source = g.source().label()
                        + (g.memorySource() != g.source() && g.memorySource() != Source.NONE
                        ? " (memory: " + g.memorySource().label() + ")" : "");
                out.printf(Locale.ROOT, format, g.index(), g.name(), orUnknown(g.totalMib()), orUnknown(g.freeMib()),
                        g.pciBusId() == null ? "-" : g.pciBusId(), source);
            }
        }
        HostInfo h = inventory.host();
        out.println("Host: " + h.os()
                + ", " + (h.ramMib() == null ? "RAM unknown" : ByteSize.ofMib(h.ramMib()).human() + " RAM")
                + ", " + (h.cpuCores() == null ? "CPU cores unknown" : h.cpuCores() + " CPU cores")
                + ", " + (h.diskFreeMib() == null ? "free disk unknown" : ByteSize.ofMib(h.diskFreeMib()).human()
                + " free in " + h.diskPath())
                + " (RAM from " + h.source().label() + ")");
        if (!inventory.notes().isEmpty()) {
            out.println("Notes:");
            inventory.notes().forEach(n -> out.println("  - " + n));
        }
    }

    private static String orUnknown(Long mib) {
        return mib == null ? "?" : Long.toString(mib);
    }
}
