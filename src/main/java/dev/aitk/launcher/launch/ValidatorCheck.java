package dev.aitk.launcher.launch;

import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.util.ProcessRunner;
import dev.aitk.launcher.validate.Finding;
import dev.aitk.launcher.validate.ValidateOptions;
import dev.aitk.launcher.validate.ValidationReport;
import dev.aitk.launcher.validate.Validator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The validate stage as the launch pipeline's check: the same findings `validate` prints, one line each. */
public final class ValidatorCheck implements ConfigCheck {
    private final Validator validator;

    public ValidatorCheck(Environment env, ProcessRunner runner) {
        this.validator = new Validator(env, runner);
    }

    @Override
    public Checked check(Path config, LaunchRequest request, Path toolkitDir) {
        ValidateOptions options = ValidateOptions.defaults().withGpus(request.gpuMemory(), request.gpus())
                .withToolkitRoot(toolkitDir);
        ValidationReport report = validator.validate(config, options);
        List<String> lines = new ArrayList<>();
        for (Finding f : report.findings()) {
            String where = f.location().isEmpty() ? "" : f.location() + " ";
            String path = f.path() == null || f.path().isEmpty() ? "" : f.path() + ": ";
            lines.add(f.severity().name().toLowerCase(Locale.ROOT) + " " + where + path + f.message()
                    + (f.fix() == null ? "" : " (fix: " + f.fix() + ")"));
        }
        return new Checked(lines, report.hasErrors(), report);
    }
}
