package dev.aitk.launcher.launch;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The two things the supervisor needs from an ai-toolkit config: {@code config.name} (the progress bar's
 * label and the checkpoint prefix) and {@code config.process[0].training_folder} (where checkpoints, logs
 * and run.json go; ai-toolkit's default is "output", relative to the toolkit folder).
 */
public record JobConfig(String name, Path trainingFolder) {

    public static JobConfig read(Path file) {
        Object doc;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, "cannot read the config " + file + " ("
                    + e.getMessage() + ")");
        } catch (YAMLException e) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " is not valid YAML; run 'aitk-launcher "
                    + "validate " + file + "' for the line and the fix");
        }
        Object config = doc instanceof Map<?, ?> m ? m.get("config") : null;
        Object name = config instanceof Map<?, ?> c ? c.get("name") : null;
        if (!(name instanceof String s) || s.isBlank()) {
            throw new LauncherException(ExitCode.INPUT_INVALID, file + " has no config.name; add 'name: my_lora' under "
                    + "'config:' (ai-toolkit names the checkpoints after it)");
        }
        Object process = ((Map<?, ?>) config).get("process");
        Object folder = null;
        if (process instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> p0) {
            folder = p0.get("training_folder");
        }
        return new JobConfig(s, Path.of(folder == null ? "output" : folder.toString()));
    }
}
