package dev.aitk.launcher.launch;

import dev.aitk.launcher.hardware.GpuInventory;
import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.MemoryModel;
import dev.aitk.launcher.util.Environment;
import dev.aitk.launcher.validate.Finding;
import dev.aitk.launcher.validate.ValidateOptions;
import dev.aitk.launcher.validate.ValidationReport;
import dev.aitk.launcher.validate.Validator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validate stage as the launch pipeline's check: the same findings {@code validate} prints, one line each,
 * checked against the GPUs the launch already detected (no second nvidia-smi call).
 */
public final class ValidatorCheck implements ConfigCheck {
    private final Environment env;
    private final boolean deep;

    /** @param deep decode every image fully, as validate --deep does (launch --deep) */
    public ValidatorCheck(Environment env, boolean deep) {
        this.env = env;
        this.deep = deep;
    }

    @Override
    public Checked check(Path config, GpuInventory gpus, Path toolkitDir) {
        MemoryModel model = MemoryModel.standard();
        Validator validator = new Validator(env, (options, e) -> gpus, model::predict, MemoryBudget::forCard);
        ValidationReport report = validator.validate(config, ValidateOptions.defaults().withToolkitRoot(toolkitDir).withDeep(deep));
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
