package dev.aitk.launcher.plan;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;

/**
 * Which model variant a run trains, and why: the template's {@code arch}/{@code name_or_path} decides (a
 * --model that names another variant is a usage error naming both); without a template, --model; without
 * either, the layout of the dataset (a control folder means Kontext, RGBA inpaint images Flex.2, masks
 * FLUX.1-dev's focus mask); else FLUX.1-dev.
 */
public record ModelChoice(ModelVariant variant, String reason, boolean fromDataset) {

    /**
     * @param flag     --model, or null
     * @param template the --template's facts, or null when no --template was given
     * @param layout   the dataset's layout, or null when there is no --dataset
     */
    public static ModelChoice decide(ModelVariant flag, TemplateModel template, DatasetLayout layout) {
        ModelVariant fromTemplate = template == null ? null : template.variant();
        if (fromTemplate != null) {
            if (flag != null && flag != fromTemplate) {
                throw new LauncherException(ExitCode.USAGE, "--model " + name(flag) + " conflicts with --template "
                        + template.label() + ", which trains " + name(fromTemplate) + " (" + describe(template)
                        + "); drop --model, or use a template for " + name(flag) + " (" + flag.template() + ")");
            }
            return new ModelChoice(fromTemplate, "the template " + template.label() + " trains " + name(fromTemplate)
                    + " (" + describe(template) + ")", false);
        }
        if (flag != null) {
            return new ModelChoice(flag, "--model " + name(flag), false);
        }
        if (layout != null && layout.variant() != null) {
            return new ModelChoice(layout.variant(), "the dataset's layout: " + layout.reason(), true);
        }
        if (layout == null) {
            return new ModelChoice(ModelVariant.DEV, "no --dataset to read, so FLUX.1-dev with a focus mask (masks "
                    + "only weight the loss); to inpaint, use --model kontext or flex2 (kontext takes the masked images "
                    + "as datasets[0].control_path, flex2 RGBA images with the hole transparent as "
                    + "datasets[0].inpaint_path), or give --dataset DIR and the model its layout shows (control/, "
                    + "inpaint/ or masks/ beside the images, as migrate-data writes them) is picked", false);
        }
        return new ModelChoice(ModelVariant.DEV, "no --model, --template or dataset layout names another, so "
                + "FLUX.1-dev (--model kontext or flex2 train real inpainting)", false);
    }

    private static String name(ModelVariant v) {
        return v.cliName();
    }

    private static String describe(TemplateModel t) {
        return t.arch() != null ? "arch: " + t.arch() : "name_or_path: " + t.nameOrPath();
    }
}
