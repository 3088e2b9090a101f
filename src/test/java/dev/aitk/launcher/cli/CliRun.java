package dev.aitk.launcher.cli;

import dev.aitk.launcher.hardware.MachineView;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ZtProcessRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the launcher in-process as a user would from a shell, with an environment the test describes.
 * {@code CliRun.in(tempDir).env("PATH", fakeBin).run("detect", "--json")}. Detection reads /proc and /sys
 * under {@code home/machine} (empty unless the test fills it) and OSHI sees nothing, so a test means the same
 * on a machine with a GPU; only nvidia-smi on the test's PATH can find one.
 */
public final class CliRun {
    private final Map<String, String> variables = new HashMap<>();
    private final Path home;
    private Path workingDirectory;
    private boolean terminal;
    private MachineView machine;

    private CliRun(Path home) {
        this.home = home;
        this.workingDirectory = home;
        this.machine = MachineView.under(home.resolve("machine"));
        variables.put("HOME", home.toString());
        variables.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** A user whose home and working directory are {@code home}, with the real PATH and nothing else set. */
    public static CliRun in(Path home) {
        return new CliRun(home);
    }

    public CliRun env(String name, String value) {
        if (value == null) {
            variables.remove(name);
        } else {
            variables.put(name, value);
        }
        return this;
    }

    public CliRun cwd(Path dir) {
        this.workingDirectory = dir;
        return this;
    }

    public CliRun terminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    /** Detection reads proc/ and sys/ under {@code root} (e.g. a sysfs tree rebuilt from a capture). */
    public CliRun machineRoot(Path root) {
        this.machine = MachineView.under(root);
        return this;
    }

    public Environment environment() {
        return Environment.of(variables, home, workingDirectory);
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Services services = new Services(environment(), new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.systemUTC(), new ZtProcessRunner(), terminal, machine);
        int code = Main.run(services, args);
        return new Result(code, out.toString(), err.toString());
    }

    public record Result(int exitCode, String out, String err) {
    }
}
