package dev.aitk.launcher.toolkit;

import java.nio.file.Path;

/**
 * Where ai-toolkit is and which interpreter runs it. {@code pythonSource} says how the interpreter was
 * chosen ("--python", "the toolkit's venv", "python3 on PATH", ...).
 */
public record ToolkitInstall(Path root, Path runPy, Path python, String rootSource, String pythonSource) {
}
