package dev.aitk.launcher.launch;

import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.util.Environment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A relative path in a --set means "from here" to the user, but run.py runs in the ai-toolkit folder and reads
 * it from there: an existing one is made absolute (and the setting says so); a missing one is left as written,
 * with a note.
 */
final class RelativePaths {
    /** The last key of each path setting run.py resolves against its working directory. */
    private static final List<String> PATH_KEYS = List.of("folder_path", "control_path", "control_path_1",
            "control_path_2", "control_path_3", "inpaint_path", "mask_path", "training_folder", "dataset_path",
            "unconditional_path", "clip_image_path", "ctrl_img", "ctrl_img_1", "ctrl_img_2", "ctrl_img_3");

    private RelativePaths() {
    }

    static List<Setting> madeAbsolute(Environment env, List<Setting> overrides, List<String> notes) {
        List<Setting> result = new ArrayList<>();
        for (Setting s : overrides) {
            String key = s.keyPath().substring(s.keyPath().lastIndexOf('.') + 1);
            if (PATH_KEYS.contains(key) && s.value() instanceof String v && !v.isBlank() && !isAbsolute(v)) {
                Path here;
                try {
                    here = env.resolve(Path.of(v));
                } catch (InvalidPathException notAPath) {
                    result.add(s);
                    continue;
                }
                if (Files.exists(here)) {
                    result.add(new Setting(s.keyPath(), here.toString(), s.reason() + " (made absolute: run.py runs in "
                            + "the ai-toolkit folder)", s.origin()));
                    continue;
                }
                String note = s.keyPath() + "=" + v + " is relative and " + here + " does not exist: run.py will look "
                        + "for it inside the ai-toolkit folder";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
            }
            result.add(s);
        }
        return result;
    }

    private static boolean isAbsolute(String path) {
        return path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:[\\\\/].*");
    }
}
