package dev.aitk.launcher.toolkit;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that finds ai-toolkit ({@code --toolkit-dir}, else {@code AITK_HOME}) and its interpreter
 * ({@code --python}, else the toolkit's own {@code venv}/{@code .venv}, else Python on PATH), for the dry run and
 * the real run alike. Rules that keep the two from disagreeing:
 * <ul>
 * <li>a bare {@code --python python3.11} is looked up on PATH, a relative path is made absolute from here (run.py
 *     runs in the toolkit folder, where a relative path would mean something else);</li>
 * <li>a venv interpreter that is there but not executable (or a link to a Python that is gone) is a broken venv:
 *     a problem to fix, not a reason to fall back silently to a Python without the toolkit's packages;</li>
 * <li>on Windows PATH is searched for {@code python} before {@code python3} (there {@code python3.exe} is usually
 *     the Microsoft Store's stand-in, which opens the Store instead of running a script).</li>
 * </ul>
 */
public final class ToolkitLocator {
    public static final String HOME_VARIABLE = "AITK_HOME";
    private final Environment env;

    public ToolkitLocator(Environment env) {
        this.env = env;
    }

    /** {@code toolkitDir} and {@code python} are the user's flags, null when not given. */
    public ToolkitLocation locate(Path toolkitDir, String python) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path root = null;
        String rootSource = null;
        if (toolkitDir != null) {
            root = env.resolve(toolkitDir);
            rootSource = "--toolkit-dir";
        } else if (env.get(HOME_VARIABLE).isPresent()) {
            root = env.resolve(Path.of(env.get(HOME_VARIABLE).get()));
            rootSource = HOME_VARIABLE;
        } else {
            problems.add("ai-toolkit's location is not known; pass --toolkit-dir DIR or set AITK_HOME to the folder "
                    + "that holds run.py (git clone of ostris/ai-toolkit)");
            notes.add("no --toolkit-dir and no AITK_HOME: " + ToolkitLocation.PLACEHOLDER + " stands for your "
                    + "ai-toolkit folder (the one with run.py)");
        }
        if (root != null && !Files.isDirectory(root)) {
            problems.add("the ai-toolkit folder " + root + " (from " + rootSource + ") does not exist; point "
                    + rootSource + " at your ai-toolkit checkout");
        } else if (root != null && !Files.isRegularFile(root.resolve("run.py"))) {
            problems.add(root + " (from " + rootSource + ") has no run.py, so it is not an ai-toolkit checkout; point "
                    + rootSource + " at the folder that holds run.py");
        }
        Interpreter interpreter = python != null ? given(python, root, problems)
                : root == null ? new Interpreter(placeholderPython(), "the toolkit's venv") : found(root, problems, notes);
        return new ToolkitLocation(root, rootSource, interpreter.path(), interpreter.source(), problems, notes);
    }

    private record Interpreter(String path, String source) {
    }

    private Interpreter given(String python, Path root, List<String> problems) {
        boolean bare = !python.contains("/") && !python.contains("\\");
        Path p = bare ? Executables.find(python, env).orElse(null) : env.resolve(Path.of(python));
        if (p == null || !Files.isRegularFile(p) || !Files.isExecutable(p)) {
            String example = root == null ? placeholderPython() : venvPython(root, "venv").toString();
            problems.add("the interpreter " + python + " given with --python is not an executable file"
                    + (bare ? " on PATH" : "") + "; pass the path of the toolkit's python (e.g. " + example + ")");
            // Shown as typed: nothing better is known, and the real run refuses it with the sentence above.
            return new Interpreter(p != null && Files.exists(p) ? p.toString() : python, "--python");
        }
        return new Interpreter(p.toString(), "--python");
    }

    private Interpreter found(Path root, List<String> problems, List<String> notes) {
        for (String venv : List.of("venv", ".venv")) {
            Path p = venvPython(root, venv);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!Files.isRegularFile(p)) {
                problems.add("the toolkit's " + venv + " interpreter " + p + " is a link to a Python that is gone; "
                        + "recreate the venv as ai-toolkit's README says, or pass --python");
            } else if (!env.isWindows() && !Files.isExecutable(p)) {
                problems.add("the toolkit's " + venv + " interpreter " + p + " is not executable; run chmod +x "
                        + p + " or recreate the venv, or pass --python");
            }
            return new Interpreter(p.toString(), "the toolkit's " + venv);
        }
        List<String> names = env.isWindows() ? List.of("python", "python3") : List.of("python3", "python");
        for (String name : names) {
            Optional<Path> p = Executables.find(name, env);
            if (p.isPresent()) {
                notes.add("no venv in " + root + ": using " + p.get() + " from PATH (give --python to choose)");
                return new Interpreter(p.get().toString(), name + " on PATH (no venv in " + root + ")");
            }
        }
        problems.add("no Python interpreter for ai-toolkit: " + root + " has no venv/.venv and neither python3 nor "
                + "python is on PATH; create the venv as ai-toolkit's README says, or pass --python");
        return new Interpreter(names.get(0), "nothing found");
    }

    /** The venv interpreter of a toolkit folder not named yet, as the dry run shows it. */
    private String placeholderPython() {
        return ToolkitLocation.PLACEHOLDER + (env.isWindows() ? "\\venv\\Scripts\\python.exe" : "/venv/bin/python");
    }

    private Path venvPython(Path root, String venv) {
        return env.isWindows() ? root.resolve(venv).resolve("Scripts").resolve("python.exe")
                : root.resolve(venv).resolve("bin").resolve("python");
    }
}
