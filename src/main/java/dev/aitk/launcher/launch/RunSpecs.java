package dev.aitk.launcher.launch;

import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.toolkit.ToolkitInstall;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** How launch turns a config into a {@link RunSpec}, the way ai-toolkit's own UI starts a job. */
public final class RunSpecs {
    private RunSpecs() {
    }

    /**
     * {@code <python> run.py <config>} with the toolkit root as working directory (run.py looks configs up
     * under its config/ folder and resolves a relative {@code training_folder} against it). Logs, the record and
     * the checkpoints all go to {@code <training_folder>/<name>/}.
     */
    public static RunSpec forConfig(ToolkitInstall install, Path configFile, String name, Path trainingFolder,
                                    Map<String, String> childEnvironment, Object plan) {
        Path folder = install.root().resolve(trainingFolder).resolve(name).normalize();
        return new RunSpec(name, List.of(install.python().toString(), install.runPy().toString(),
                configFile.toAbsolutePath().toString()), install.root(), childEnvironment, folder,
                folder.resolve("run.json"), folder, plan);
    }
}
