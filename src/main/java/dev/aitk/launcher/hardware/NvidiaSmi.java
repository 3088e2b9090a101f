package dev.aitk.launcher.hardware;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.ProcessRunner;
import dev.aitk.launcher.util.ProcessRunner.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Asks nvidia-smi for every GPU ({@link NvidiaSmiCsv#QUERY_FIELDS}) and says in a note how that went: missing,
 * hung (stopped after the timeout), failing (its own message, e.g. a driver/library version mismatch),
 * printing something else, or found N GPUs. nvidia-smi ignores CUDA_VISIBLE_DEVICES and numbers cards in
 * PCI bus order.
 */
public final class NvidiaSmi {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final Environment env;
    private final ProcessRunner processRunner;
    private final Duration timeout;

    public NvidiaSmi(Environment env, ProcessRunner processRunner, Duration timeout) {
        this.env = env;
        this.processRunner = processRunner;
        this.timeout = timeout;
    }

    /** The GPUs nvidia-smi lists, or empty; {@code notes} gets a line saying how it went. */
    public List<GpuInfo> query(List<String> notes) {
        Optional<Path> program = nvidiaSmiProgram();
        if (program.isEmpty()) {
            notes.add("nvidia-smi: not found on PATH (it ships with the NVIDIA driver)");
            return List.of();
        }
        List<String> command = List.of(program.get().toString(), "--query-gpu=" + NvidiaSmiCsv.QUERY_FIELDS,
                "--format=csv,noheader,nounits");
        ProcessResult result;
        try {
            result = processRunner.run(command, env, timeout);
        } catch (ProcessRunner.ProcessStartException e) {
            notes.add("nvidia-smi: could not be run (" + e.getMessage() + ")");
            return List.of();
        }
        if (result.timedOut()) {
            notes.add("nvidia-smi: no answer within " + seconds(timeout) + ", so it was stopped (a hung driver?)");
            return List.of();
        }
        List<GpuInfo> gpus = NvidiaSmiCsv.parse(result.stdout());
        if (result.exitCode() != 0) {
            String message = firstLine(result.stdout().lines().filter(l -> NvidiaSmiCsv.parse(l).isEmpty())
                    .reduce("", (a, b) -> a + "\n" + b) + "\n" + result.stderr());
            if (gpus.isEmpty()) {
                notes.add("nvidia-smi: failed with exit code " + result.exitCode() + ": " + message);
                return List.of();
            }
            // One card fallen off the bus makes nvidia-smi fail while it still lists the healthy ones.
            notes.add("nvidia-smi: exit code " + result.exitCode() + " (" + message + "), but it listed "
                    + gpus.size() + " GPU" + plural(gpus.size()) + "; using those");
        }
        if (gpus.isEmpty()) {
            notes.add("nvidia-smi: printed nothing we understand: " + firstLine(result.stdout() + "\n" + result.stderr()));
            return List.of();
        }
        long unknown = gpus.stream().filter(g -> !g.memoryKnown()).count();
        notes.add("nvidia-smi: found " + gpus.size() + " GPU" + plural(gpus.size())
                + (unknown > 0 ? " (" + unknown + " without a memory figure; pass --gpu-memory SIZE)" : ""));
        return gpus;
    }

    /** PATH first (PATHEXT on Windows); older Windows drivers put it under Program Files instead of System32. */
    private Optional<Path> nvidiaSmiProgram() {
        Optional<Path> onPath = Executables.find("nvidia-smi", env);
        if (onPath.isPresent() || !env.isWindows()) {
            return onPath;
        }
        return env.get("ProgramFiles")
                .map(pf -> Path.of(pf, "NVIDIA Corporation", "NVSMI", "nvidia-smi.exe"))
                .filter(Files::isRegularFile);
    }

    private static String firstLine(String text) {
        String line = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("(no output)");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
