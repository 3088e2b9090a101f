package dev.aitk.launcher.launch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aitk.launcher.supervise.RunSpec;
import dev.aitk.launcher.toolkit.ChildEnvironment;
import dev.aitk.launcher.toolkit.ToolkitInstall;
import dev.aitk.launcher.util.Json;
import java.nio.file.Path;
import java.util.List;

/** How launch turns a job into the supervisor's {@link RunSpec}, the way ai-toolkit's own UI starts a job. */
final class RunSpecs {
    private RunSpecs() {
    }

    /**
     * {@code <python> run.py <config>} with the toolkit root as working directory (run.py looks configs up
     * under its config/ folder and resolves a relative {@code training_folder} against it). Logs, the record and
     * the checkpoints all go to {@code <training_folder>/<name>/}; the record carries the job's plan as JSON
     * and, of the environment, only what the launcher set (the user's own variables are passed on, not recorded).
     */
    static RunSpec forJob(ToolkitInstall install, PreparedJob job, ChildEnvironment childEnvironment) {
        Path folder = install.root().resolve(job.trainingFolder()).resolve(job.name()).normalize();
        JsonNode plan = job.replanning() == null ? null : Json.mapper().valueToTree(job.replanning().plan());
        return new RunSpec(job.name(), List.of(install.python().toString(), install.runPy().toString(),
                Path.of(job.config()).toAbsolutePath().toString()), install.root(), childEnvironment.toMap(),
                childEnvironment.passedOnUntouched(), folder,
                folder.resolve("run.json"), folder, plan);
    }
}
