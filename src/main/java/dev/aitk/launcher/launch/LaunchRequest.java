package dev.aitk.launcher.launch;

import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;
import java.util.List;

/**
 * What the user asked for on the command line. Null means "not given". With {@code configFiles} existing
 * configs are launched as it is (no planning or rendering); otherwise a template is rendered.
 */
public record LaunchRequest(
        ByteSize gpuMemory,
        Integer gpus,
        ModelVariant model,
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
        model = model == null ? ModelVariant.DEV : model;
    }

    /** A request that renders the shipped template for {@code model} with no other flags. */
    public static LaunchRequest of(ByteSize gpuMemory, Integer gpus, ModelVariant model) {
        return new LaunchRequest(gpuMemory, gpus, model, null, null, null, null, List.of(), List.of(), null, null);
    }
}
