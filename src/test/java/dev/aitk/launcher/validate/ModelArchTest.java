package dev.aitk.launcher.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.arch must name a model ai-toolkit has: get_model_class (toolkit/util/get_model.py) falls back to the Stable
 * Diffusion loader for any other name, and the run crashes after the download (issue 9, seen by the real trainer).
 */
class ModelArchTest {
    @TempDir
    Path tmp;
    ValidatorFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ValidatorFixture(tmp);
        fx.maskDataset(2);
    }

    private Path withArch(String arch) {
        return fx.config("flux-dev-mask.yaml", "        is_flux: true\n", "        arch: " + arch + "\n");
    }

    private static List<Finding> at(ValidationReport r, String path) {
        return r.findings().stream().filter(f -> f.path().equals(path)).toList();
    }

    private static List<Finding> unknownArch(ValidationReport r) {
        return r.findings().stream().filter(f -> f.message().contains("is not a model ai-toolkit has")).toList();
    }

    @Test
    void anArchNoModelHasIsAnErrorAtItsLineNamingTheFallbackAndTheFluxArches() {
        ValidationReport r = fx.validate(withArch("flux_foo"));
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.isError()).isTrue();
            assertThat(f.path()).isEqualTo("config.process[0].model.arch");
            assertThat(f.line()).isEqualTo(43);
            assertThat(f.message()).contains("model.arch 'flux_foo' is not a model ai-toolkit has")
                    .contains("Stable Diffusion loader").contains("black-forest-labs/FLUX.1-dev");
            // The name says FLUX.1, so the fix names flux and lists the FLUX arches.
            assertThat(f.fix()).startsWith("set model.arch: flux (").contains("flux_kontext, flex2, flux2, flux2_klein_4b, flux2_klein_9b")
                    .contains("pass --toolkit-dir");
        });
    }

    @Test
    void aMisspelledArchGetsTheClosestName() {
        Finding f = at(fx.validate(withArch("flux_kontxt")), "config.process[0].model.arch").get(0);
        assertThat(f.message()).contains("did you mean 'flux_kontext'?");
        assertThat(f.fix()).startsWith("set model.arch: flux_kontext");
    }

    @Test
    void withNoHintTheFixListsEveryArch() {
        Path config = fx.config("flux-dev-mask.yaml", "        is_flux: true\n", "        arch: zzzzzzzz\n",
                "black-forest-labs/FLUX.1-dev", "someone/some-model");
        Finding f = at(fx.validate(config), "config.process[0].model.arch").get(0);
        assertThat(f.fix()).startsWith("set model.arch to a FLUX arch (flux, ").contains("qwen_image_edit_plus").contains("ltx2.3").contains("sdxl");
    }

    @Test
    void everyArchOfTheFluxFamilyAndTheTagAndFlex1SpellingsAreKnown() {
        for (String arch : List.of("flux", "flex1", "flux:dev", "flux_kontext", "flex2", "flux2", "flux2_klein_4b", "flux2_klein_9b")) {
            assertThat(unknownArch(fx.validate(withArch(arch)))).as(arch).isEmpty();
        }
    }

    @Test
    void anArchDefinedByTheUsersAiToolkitIsKnownWhenItsFolderIsGiven() throws Exception {
        Path toolkit = tmp.resolve("ai-toolkit");
        Files.createDirectories(toolkit.resolve("toolkit"));
        Path model = Files.createDirectories(toolkit.resolve("extensions/my_flux/models"));
        Files.writeString(model.resolve("my_flux.py"), "class MyFlux(BaseModel):\n    arch = \"my_flux\"\n\n    def __init__(self):\n        pass\n");
        Path config = withArch("my_flux");
        assertThat(unknownArch(fx.validate(config, ValidateOptions.defaults().withToolkitRoot(toolkit)))).isEmpty();

        Finding f = at(fx.validate(config), "config.process[0].model.arch").get(0);
        assertThat(f.message()).contains("'my_flux' is not a model ai-toolkit has");
        Finding read = at(fx.validate(withArch("other_flux"), ValidateOptions.defaults().withToolkitRoot(toolkit)), "config.process[0].model.arch").get(0);
        assertThat(read.fix()).as("the user's ai-toolkit was read, so --toolkit-dir is no advice").doesNotContain("--toolkit-dir");
    }
}
