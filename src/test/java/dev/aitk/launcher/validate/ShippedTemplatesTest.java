package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.images.TestImages;
import dev.aitk.launcher.util.ByteSize;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The templates shipped in config-templates/ (packaged in the jar), with their dataset and output folders
 * pointed at a generated dataset, validate clean (exit 0: no errors; a warning would be printed, not fail).
 */
class ShippedTemplatesTest {
    private static final Pattern FOLDER_KEY = Pattern.compile(
            "(?m)^(\\s*(?:-\\s+)?)(?:#\\s*)?(folder_path|mask_path|control_path|inpaint_path|training_folder|ctrl_img|ctrl_img_1):\\s*\\S+(.*)$");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"flux-dev-inpaint", "flux-kontext-inpaint", "flex2-inpaint", "flux2-klein-4b-inpaint",
            "flux2-klein-9b-inpaint", "flux2-dev-inpaint"})
    void templateRenderedAgainstAGeneratedDatasetIsClean(String name) throws IOException {
        String template;
        try (InputStream in = ShippedTemplatesTest.class.getResourceAsStream("/config-templates/" + name + ".yaml")) {
            assertThat(in).as("config-templates/" + name + ".yaml is packaged in the jar").isNotNull();
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ValidatorFixture fx = new ValidatorFixture(tmp);
        Path data = fx.data;
        TestDatasets.images(data.resolve("images"), 6, 768, 1024, true);
        TestDatasets.partners(data.resolve("masks"), 6, TestImages.png(768, 1024, false), ".png");
        TestDatasets.partners(data.resolve("control"), 6, TestImages.jpeg(768, 1024), ".jpg");
        TestDatasets.partners(data.resolve("inpaint"), 6, TestImages.png(768, 1024, true), ".png");
        Matcher m = FOLDER_KEY.matcher(template);
        StringBuilder rendered = new StringBuilder();
        while (m.find()) {
            String folder = switch (m.group(2)) {
                case "folder_path" -> data.resolve("images").toString();
                case "mask_path" -> data.resolve("masks").toString();
                case "control_path" -> data.resolve("control").toString();
                case "inpaint_path" -> data.resolve("inpaint").toString();
                case "ctrl_img", "ctrl_img_1" -> data.resolve("control/0000.jpg").toString();
                default -> fx.output.toString();
            };
            m.appendReplacement(rendered, Matcher.quoteReplacement(m.group(1) + m.group(2) + ": " + folder + m.group(3)));
        }
        m.appendTail(rendered);
        Path config = Files.writeString(tmp.resolve(name + ".yaml"), rendered.toString());
        ValidationReport r = fx.validate(config, ValidateOptions.defaults().withGpus(ByteSize.parse("80GB"), 1));
        assertThat(r.findings()).as(rendered.toString()).noneMatch(Finding::isError);
        assertThat(r.summary().datasets()).singleElement().satisfies(d -> assertThat(d.images()).isEqualTo(6));
    }
}
