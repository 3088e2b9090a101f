package dev.aitk.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aitk.launcher.config.ConfigRenderer;
import dev.aitk.launcher.config.ConfigTemplate;
import dev.aitk.launcher.config.Overrides;
import dev.aitk.launcher.config.Setting;
import dev.aitk.launcher.config.YamlIo;
import dev.aitk.launcher.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run.py double reads YAML with a small reader of its own (standard library only). Here it reads what the
 * launcher writes - every shipped template rendered with hostile folder names - and a file with the YAML forms a
 * hand-written config uses, and must get the values SnakeYAML's safe rules get (ai-toolkit's loader, PyYAML's
 * SafeLoader, resolves the same way for these files).
 */
class RunPyDoubleReadsYamlTest {
    @TempDir
    Path tmp;

    static List<String> templates() {
        return ConfigTemplate.shippedNames();
    }

    @ParameterizedTest
    @MethodSource("templates")
    void readsEveryRenderedTemplateAsSnakeYamlDoes(String template) throws Exception {
        List<Setting> settings = new ArrayList<>();
        settings.add(Setting.cli("config.name", "my_lora", "--name"));
        settings.add(Setting.cli("training_folder", "C:\\Users\\Ann Lee\\runs #1", "--output"));
        settings.add(Setting.cli("datasets[*].folder_path", "D:\\data\\it's 100% \"mine\": yes", "--dataset"));
        settings.add(Setting.plan("datasets[*].resolution", List.of(512, 768), "fits"));
        settings.addAll(Overrides.parse(List.of("train.lr=5e-5", "sample.prompts=[a cat, 'yes', 123 apples]",
                "meta.note=caf\u00e9 \u2014 \t tab", "meta.empty=''", "meta.off=off")));
        String yaml = new ConfigRenderer().render(ConfigTemplate.shipped(template), settings).yaml();
        assertSameValues(yaml);
    }

    @Test
    void readsTheFormsHandWrittenConfigsUse() throws Exception {
        String yaml = """
                %YAML 1.1
                ---
                job: extension   # a comment
                config:
                  name: 'it''s # not a comment'
                  process:
                  - type: sd_trainer
                    network: {type: lora, linear: 16, "quoted": [1, 2.5, "x, y", {n: null}, [], {}]}
                    datasets:
                      -
                        folder_path: /data/a
                        resolution: [512,
                          768]
                      - folder_path: "C:\\\\data\\tb\\u00e9"
                    train: {lr: 1e-4, steps: 1_000, ema: .5, flag_on: yes, flag_off: Off, none: ~}
                    sample:
                      prompts:
                        - - nested
                          - list
                      neg: |
                        keep

                        lines
                      note: >-
                        folded
                        text

                        paragraph
                    url: http://host:80/x
                """;
        assertSameValues(yaml);
    }

    @Test
    void refusesWhatItCannotReadWithTheLine() throws Exception {
        JsonNode out = read("a: 1\nb: &anchor 2\n");
        assertThat(out.path("error").asText()).isEqualTo("line 2: '&anchor 2' needs more YAML than the run.py double reads");
        out = read("a: one\n  two\n");
        assertThat(out.path("error").asText()).startsWith("line 2: a plain scalar over several lines");
    }

    private void assertSameValues(String yaml) throws Exception {
        // A plain mapper: the project's leaves nulls out, and a null the double drops would go unseen.
        JsonNode expected = new ObjectMapper().valueToTree(YamlIo.construct(YamlIo.compose(yaml, false)));
        assertThat(read(yaml)).isEqualTo(expected);
    }

    /** What the double's reader returns for {@code yaml}, as JSON ({"error": message} when it refuses). */
    private JsonNode read(String yaml) throws Exception {
        FakeToolkit kit = FakeToolkit.in(tmp);
        Path input = Files.writeString(tmp.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(kit.python, "-c", """
                import json, sys
                sys.path.insert(0, sys.argv[1])
                import run
                try:
                    print(json.dumps(run.read_yaml(open(sys.argv[2], encoding="utf-8").read())))
                except run.YamlSubsetError as e:
                    print(json.dumps({"error": str(e)}))
                """, kit.root.toString(), input.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Json.mapper().readTree(out);
    }
}
