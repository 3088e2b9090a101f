package dev.aitk.launcher.validate;

import dev.aitk.launcher.util.ByteSize;
import java.nio.file.Path;

/**
 * What the user asked of a validation: the GPUs to check the fit against ({@code gpuMemory}/{@code gpus},
 * null to detect), whether to decode every image fully ({@code deep}), whether to look at the datasets on
 * disk at all ({@code checkDatasets}), and the folder relative paths in the config are resolved against
 * ({@code toolkitRoot}: run.py's working directory; null means the launcher's working directory).
 */
public record ValidateOptions(ByteSize gpuMemory, Integer gpus, boolean deep, boolean checkDatasets, Path toolkitRoot) {

    public static ValidateOptions defaults() {
        return new ValidateOptions(null, null, false, true, null);
    }

    public ValidateOptions withGpus(ByteSize memory, Integer count) {
        return new ValidateOptions(memory, count, deep, checkDatasets, toolkitRoot);
    }

    public ValidateOptions withDeep(boolean value) {
        return new ValidateOptions(gpuMemory, gpus, value, checkDatasets, toolkitRoot);
    }

    public ValidateOptions withToolkitRoot(Path root) {
        return new ValidateOptions(gpuMemory, gpus, deep, checkDatasets, root);
    }

    public ValidateOptions withoutDatasets() {
        return new ValidateOptions(gpuMemory, gpus, deep, false, toolkitRoot);
    }
}
