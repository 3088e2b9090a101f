package dev.aitk.launcher.data;

import java.util.Locale;

/**
 * How the inpainting triples become an ai-toolkit dataset: which dataset key names the partner folder and what
 * goes into it. Only the partner changes; the targets always go to {@code images/} with their captions.
 */
public enum Layout {
    /** FLUX.1 Kontext: the masked image is the control image, so the model learns to fill the hole. */
    KONTEXT("control_path", "control", Role.MASKED),
    /** Flex.2: built-in inpainting from RGBA PNGs whose transparent part is the hole. */
    FLEX2("inpaint_path", "inpaint", Role.MASK),
    /** FLUX.1-dev with a focus mask: loss weighting only (white = higher loss), not true inpainting. */
    MASK("mask_path", "masks", Role.MASK);

    private final String datasetKey;
    private final String folderName;
    private final Role requiredPartner;

    Layout(String datasetKey, String folderName, Role requiredPartner) {
        this.datasetKey = datasetKey;
        this.folderName = folderName;
        this.requiredPartner = requiredPartner;
    }

    /** The dataset key ai-toolkit reads the partner folder from ({@code control_path}, ...). */
    public String datasetKey() {
        return datasetKey;
    }

    /** The folder under the output that holds the partners. */
    public String folderName() {
        return folderName;
    }

    /** The source folder this layout cannot do without (besides the targets). */
    public Role requiredPartner() {
        return requiredPartner;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
