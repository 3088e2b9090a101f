package dev.aitk.launcher.launch;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where ai-toolkit lives and which Python runs it: {@code --toolkit-dir}, else {@code AITK_HOME}; the
 * interpreter from {@code --python}, else the toolkit's own venv, else python3/python on PATH. A dry run
 * without a toolkit prints {@code <AITK_HOME>} placeholders and says so.
 */
public record Toolkit(String directory, String python, boolean known, List<String> notes) {
    public static final String PLACEHOLDER = "<AITK_HOME>";

    public Toolkit {
        notes = List.copyOf(notes);
    }

    public static Toolkit locate(Environment env, Path toolkitDir, String python) {
        List<String> notes = new ArrayList<>();
        Path dir = toolkitDir != null ? env.resolve(toolkitDir)
                : env.get("AITK_HOME").map(h -> env.resolve(Path.of(h))).orElse(null);
        if (dir == null) {
            notes.add("no --toolkit-dir and no AITK_HOME: " + PLACEHOLDER + " stands for your ai-toolkit folder "
                    + "(the one with run.py)");
            String py = python != null ? python : PLACEHOLDER + (env.isWindows() ? "\\venv\\Scripts\\python.exe" : "/venv/bin/python");
            return new Toolkit(PLACEHOLDER, py, false, notes);
        }
        if (!Files.isRegularFile(dir.resolve("run.py"))) {
            notes.add(dir + " has no run.py: point --toolkit-dir or AITK_HOME at the ai-toolkit checkout");
        }
        String py = python;
        if (py == null) {
            py = venvPython(dir, env).map(Path::toString).orElse(null);
        }
        if (py == null) {
            Optional<Path> onPath = Executables.find(env.isWindows() ? "python" : "python3", env)
                    .or(() -> Executables.find("python", env));
            if (onPath.isPresent()) {
                py = onPath.get().toString();
                notes.add("no venv in " + dir + ": using " + py + " from PATH (give --python to choose)");
            } else {
                py = env.isWindows() ? "python" : "python3";
                notes.add("no venv in " + dir + " and no Python on PATH: give --python");
            }
        }
        return new Toolkit(dir.toString(), py, true, notes);
    }

    private static Optional<Path> venvPython(Path dir, Environment env) {
        for (String venv : List.of("venv", ".venv")) {
            Path p = env.isWindows() ? dir.resolve(venv).resolve("Scripts").resolve("python.exe")
                    : dir.resolve(venv).resolve("bin").resolve("python");
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
