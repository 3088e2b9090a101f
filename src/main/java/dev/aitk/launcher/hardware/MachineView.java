package dev.aitk.launcher.hardware;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where detection looks besides nvidia-smi on PATH: the file system root under which {@code proc/} and
 * {@code sys/} are read, and the OSHI view of the machine (built on first use only). The real machine is
 * "/" and OSHI; a test describes a machine with a folder and a probe that answers what it is told.
 */
public record MachineView(Path fileSystemRoot, Supplier<SystemProbe> systemProbe) {

    /** This machine: "/" and OSHI. A lambda, not a method reference, so OSHI is not linked until needed. */
    public static MachineView system() {
        return new MachineView(Path.of("/"), () -> new OshiSystemProbe());
    }

    /** A machine with nothing but what {@code root} holds: OSHI sees no card and no memory. */
    public static MachineView under(Path root) {
        return new MachineView(root, () -> new SystemProbe() {
            @Override
            public List<Card> graphicsCards() {
                return List.of();
            }

            @Override
            public long totalMemoryBytes() {
                return 0;
            }

            @Override
            public String osDescription() {
                return "a described machine";
            }
        });
    }
}
