package dev.aitk.launcher.toolkit;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds ai-toolkit ({@code --toolkit-dir}, else {@code AITK_HOME}) and its interpreter ({@code --python},
 * else the toolkit's own {@code venv}/{@code .venv}, else python3/python on PATH). Each thing missing is one
 * sentence and exit 7, before anything runs.
 */
public final class ToolkitLocator {
    public static final String HOME_VARIABLE = "AITK_HOME";
    private final Environment env;

    public ToolkitLocator(Environment env) {
        this.env = env;
    }

    /** {@code toolkitDir} and {@code python} are the user's flags, null when not given. */
    public ToolkitInstall locate(Path toolkitDir, Path python) {
        Path root;
        String rootSource;
        if (toolkitDir != null) {
            root = env.resolve(toolkitDir);
            rootSource = "--toolkit-dir";
        } else {
            Optional<String> home = env.get(HOME_VARIABLE);
            if (home.isEmpty()) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "ai-toolkit's location is not known; pass "
                        + "--toolkit-dir DIR or set AITK_HOME to the folder that holds run.py "
                        + "(git clone of ostris/ai-toolkit)");
            }
            root = env.resolve(Path.of(home.get()));
            rootSource = "AITK_HOME";
        }
        if (!Files.isDirectory(root)) {
            throw new LauncherException(ExitCode.ENVIRONMENT, "the ai-toolkit folder " + root + " (from " + rootSource
                    + ") does not exist; point " + rootSource + " at your ai-toolkit checkout");
        }
        Path runPy = root.resolve("run.py");
        if (!Files.isRegularFile(runPy)) {
            throw new LauncherException(ExitCode.ENVIRONMENT, root + " (from " + rootSource + ") has no run.py, so "
                    + "it is not an ai-toolkit checkout; point " + rootSource + " at the folder that holds run.py");
        }
        if (python != null) {
            Path p = python.toString().contains("/") || python.toString().contains("\\")
                    ? env.resolve(python) : Executables.find(python.toString(), env).orElse(null);
            if (p == null || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new LauncherException(ExitCode.ENVIRONMENT, "the interpreter " + python + " given with --python "
                        + "is not an executable file; pass the path of the toolkit's python (e.g. "
                        + root.resolve("venv/bin/python") + ")");
            }
            return new ToolkitInstall(root, runPy, p, rootSource, "--python");
        }
        for (String venv : List.of("venv", ".venv")) {
            Path p = env.isWindows() ? root.resolve(venv).resolve("Scripts").resolve("python.exe")
                    : root.resolve(venv).resolve("bin").resolve("python");
            if (Files.isRegularFile(p) && (env.isWindows() || Files.isExecutable(p))) {
                return new ToolkitInstall(root, runPy, p, rootSource, "the toolkit's " + venv);
            }
        }
        for (String name : List.of("python3", "python")) {
            Optional<Path> p = Executables.find(name, env);
            if (p.isPresent()) {
                return new ToolkitInstall(root, runPy, p.get(), rootSource, name + " on PATH (no venv in " + root + ")");
            }
        }
        throw new LauncherException(ExitCode.ENVIRONMENT, "no Python interpreter for ai-toolkit: " + root + " has no "
                + "venv/.venv and neither python3 nor python is on PATH; create the venv as ai-toolkit's README says, "
                + "or pass --python");
    }
}
