package dev.aitk.launcher.hardware;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real H100 and H200 captures, and machines built from them in a temp dir. */
public final class Fixtures {
    private Fixtures() {
    }

    public static String h100(String name) {
        return capture("h100", name);
    }

    /** Captured on an H200 by src/bench/gpu/measure.sh (fixtures/h200/README.md says how). */
    public static String h200(String name) {
        return capture("h200", name);
    }

    private static String capture(String machine, String name) {
        String path = "fixtures/" + machine + "/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The H100 VM's nvidia-smi answer: one line. */
    static String h100CsvLine() {
        return h100("nvidia-smi-query-noheader-nounits.csv").strip();
    }

    /**
     * Writes a fake nvidia-smi into {@code bin} that prints {@code stdout}, {@code stderr} and exits with
     * {@code exitCode}; it also records that it ran (and its arguments) in {@code bin/nvidia-smi.calls}.
     */
    public static Path fakeNvidiaSmi(Path bin, String stdout, String stderr, int exitCode) {
        try {
            Files.createDirectories(bin);
            Files.writeString(bin.resolve("nvidia-smi.stdout"), stdout + "\n");
            Files.writeString(bin.resolve("nvidia-smi.stderr"), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Absolute paths: the test's PATH holds only the fake programs.
        return script(bin, "/bin/cat \"" + bin.resolve("nvidia-smi.stdout") + "\"\n"
                + "/bin/cat \"" + bin.resolve("nvidia-smi.stderr") + "\" >&2\n"
                + "exit " + exitCode + "\n");
    }

    /** A fake nvidia-smi whose body is {@code shell} (run by /bin/sh). */
    static Path script(Path bin, String shell) {
        try {
            Files.createDirectories(bin);
            Path program = bin.resolve("nvidia-smi");
            Files.writeString(program, "#!/bin/sh\necho \"$@\" >> \"" + bin.resolve("nvidia-smi.calls") + "\"\n" + shell);
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
            return program;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rebuilds the H100 VM's /sys/bus/pci/devices (and, with {@code withProc}, /proc/driver/nvidia) under
     * {@code root} from the captured listing, one directory per device with vendor/device/class files.
     */
    public static Path sysfsFromCapture(Path root, String listing, boolean withProc) {
        Pattern line = Pattern.compile("/sys/bus/pci/devices/(\\S+) vendor=(\\S+) device=(\\S+) class=(\\S+)");
        try {
            Files.createDirectories(root.resolve("sys/bus/pci/devices"));
            for (String l : listing.split("\\R")) {
                Matcher m = line.matcher(l.strip());
                if (!m.matches()) {
                    continue;
                }
                Path dev = Files.createDirectories(root.resolve("sys/bus/pci/devices").resolve(m.group(1)));
                Files.writeString(dev.resolve("vendor"), m.group(2) + "\n");
                Files.writeString(dev.resolve("device"), m.group(3) + "\n");
                Files.writeString(dev.resolve("class"), m.group(4) + "\n");
            }
            if (withProc) {
                String capture = h100("proc-driver-nvidia.txt");
                String header = capture.lines().findFirst().orElseThrow();
                String path = header.replace("==", "").strip();
                String body = capture.substring(capture.indexOf('\n') + 1);
                Path info = root.resolve(path.substring(1));
                Files.createDirectories(info.getParent());
                Files.writeString(info, body);
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A machine as OSHI saw the H100 VM: the captured probe, parsed ("name | vendor=.. | vram=.. | id=.. | version"). */
    static SystemProbe oshiFromCapture(String capture) {
        List<SystemProbe.Card> cards = new ArrayList<>();
        long mem = 0;
        String os = "";
        for (String l : capture.split("\\R")) {
            if (l.startsWith("mem=")) {
                mem = Long.parseLong(l.substring(4).strip());
            } else if (l.startsWith("os=")) {
                os = l.substring(3).strip();
            } else if (l.contains("| vendor=")) {
                String[] parts = l.split("\\|");
                cards.add(new SystemProbe.Card(parts[0].strip(), parts[1].strip().substring("vendor=".length()),
                        parts[3].strip().substring("id=".length()), Long.parseLong(parts[2].strip().substring("vram=".length()))));
            }
        }
        return probe(cards, mem, os);
    }

    static SystemProbe probe(List<SystemProbe.Card> cards, long memBytes, String os) {
        return new SystemProbe() {
            @Override
            public List<Card> graphicsCards() {
                return cards;
            }

            @Override
            public long totalMemoryBytes() {
                return memBytes;
            }

            @Override
            public String osDescription() {
                return os;
            }
        };
    }
}
