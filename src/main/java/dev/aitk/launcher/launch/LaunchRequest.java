package dev.aitk.launcher.launch;

import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.PlanRequest;
import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;
import java.util.List;

/**
 * What the user asked for on the command line. Null means "not given". {@code plan} is what the planner is asked
 * (the model and every pin); the GPUs it plans for come from {@code gpuMemory}/{@code gpus} through detection.
 * With {@code configFiles} existing configs are launched as they are (no planning or rendering); otherwise a
 * template is rendered.
 */
public record LaunchRequest(
        ByteSize gpuMemory,
        Integer gpus,
        PlanRequest plan,
        String template,
        Path dataset,
        Path output,
        String name,
        List<String> overrides,
        List<Path> configFiles,
        Path toolkitDir,
        String python) {

    public LaunchRequest {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        configFiles = configFiles == null ? List.of() : List.copyOf(configFiles);
        plan = plan == null ? PlanRequest.of(ModelVariant.DEV) : plan;
    }
}
