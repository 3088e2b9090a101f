package dev.aitk.launcher.submit;

import java.nio.file.Path;
import java.util.List;

/**
 * How each job runs the launcher on its node: the launcher's absolute path (it must exist on the nodes,
 * e.g. a checkout on shared storage), where ai-toolkit and its interpreter are there, the shared Hugging Face
 * cache, and extra {@code launch} arguments (e.g. {@code --gpu-memory 80GB} for nodes without nvidia-smi).
 * Absent values stay absent: the node's environment ({@code AITK_HOME}, {@code HF_HOME}) then decides.
 */
public record NodeOptions(Path launcher, Path toolkitDir, Path python, Path hfHome, List<String> launchArgs) {
    public NodeOptions {
        launchArgs = List.copyOf(launchArgs);
    }
}
