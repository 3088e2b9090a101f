package dev.aitk.launcher.cli;

import dev.aitk.launcher.config.ConfigReader;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.plan.DatasetLayout;
import dev.aitk.launcher.plan.ModelChoice;
import dev.aitk.launcher.plan.ModelVariant;
import dev.aitk.launcher.plan.TemplateModel;
import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;

/**
 * --model, --template and --dataset read together, one rule for plan, launch and init: the template's model
 * wins (a conflicting --model is a usage error), then --model, then the dataset's layout
 * ({@link ModelChoice}). {@code template} is the facts of the template that will be rendered (the shipped
 * one for the chosen variant when no --template is given): its steps are the plan's budget.
 */
record ModelSelection(ModelChoice choice, TemplateModel template) {

    static ModelSelection of(ModelVariant flag, String template, Path dataset, Environment env) {
        TemplateModel given = template == null ? null : facts(ConfigTemplate.resolve(template, env), env);
        DatasetLayout layout = dataset == null ? null : DatasetLayout.of(env.resolve(dataset));
        ModelChoice choice = ModelChoice.decide(flag, given, layout);
        return new ModelSelection(choice, given != null ? given : facts(ConfigTemplate.forModel(choice.variant()), env));
    }

    ModelVariant variant() {
        return choice.variant();
    }

    private static TemplateModel facts(ConfigTemplate t, Environment env) {
        return TemplateModel.of(new ConfigReader(env).read(t.text(), t.label()).plain(), t.label());
    }
}
