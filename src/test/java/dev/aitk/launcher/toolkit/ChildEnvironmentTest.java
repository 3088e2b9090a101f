package dev.aitk.launcher.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aitk.launcher.util.Environment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
    private static Environment env(String... pairs) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return new Environment(vars, "Linux", Path.of("/home/u"), Path.of("/home/u"));
    }

    private static Map<String, String> shown(ChildEnvironment c) {
        return c.redacted().stream().collect(Collectors.toMap(ChildEnvironment.Variable::name,
                ChildEnvironment.Variable::value, (a, b) -> b, LinkedHashMap::new));
    }

    private static ChildEnvironment build(Environment parent, List<Integer> gpus, OptionalInt hub, boolean prefetched,
                                          boolean fast) {
        return ChildEnvironment.build(parent, new ChildEnvironment.Request(gpus, hub, prefetched, fast));
    }

    @Test
    void setsWhatAiToolkitsOwnUiSetsPlusTheFixesForKnownFailures() {
        ChildEnvironment c = build(env("PATH", "/usr/bin"), List.of(2, 3), OptionalInt.empty(), false, true);
        assertThat(shown(c)).containsExactly(
                Map.entry("CUDA_DEVICE_ORDER", "PCI_BUS_ID"),
                Map.entry("CUDA_VISIBLE_DEVICES", "2,3"),
                Map.entry("PYTHONUNBUFFERED", "1"),
                Map.entry("PYTHONUTF8", "1"),
                Map.entry("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True"));
        assertThat(c.redacted()).allSatisfy(v -> assertThat(v.reason()).isNotBlank());
        assertThat(c.notes()).anyMatch(n -> n.startsWith("huggingface_hub version unknown"));
        assertThat(c.notes()).anyMatch(n -> n.startsWith("HF_TOKEN is not set"));
        assertThat(c.toMap()).containsEntry("PATH", "/usr/bin").containsEntry("CUDA_VISIBLE_DEVICES", "2,3");
    }

    @Test
    void theTokenIsPassedOnButNeverShown() {
        ChildEnvironment c = build(env("HF_TOKEN", "hf_SECRETsecret", "HF_HOME", "/cache/hf", "HF_HUB_CACHE", "/cache/hub"),
                List.of(0), OptionalInt.empty(), true, true);
        assertThat(c.toMap()).containsEntry("HF_TOKEN", "hf_SECRETsecret");
        assertThat(shown(c)).containsEntry("HF_TOKEN", "<set, hidden>")
                .containsEntry("HF_HOME", "/cache/hf").containsEntry("HF_HUB_CACHE", "/cache/hub")
                .containsEntry("HF_HUB_OFFLINE", "1");
        assertThat(c.redacted().toString()).doesNotContain("SECRET");
        assertThat(c.notes()).noneMatch(n -> n.startsWith("HF_TOKEN is not set"));
    }

    @Test
    void offlineOnlyWhenThePrefetchCompleted() {
        assertThat(shown(build(env(), List.of(0), OptionalInt.empty(), false, true))).doesNotContainKey("HF_HUB_OFFLINE");
    }

    @Test
    void fastDownloadSwitchesFollowTheInstalledHubVersion() {
        assertThat(shown(build(env(), List.of(0), OptionalInt.of(0), false, true)))
                .containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "1").doesNotContainKey("HF_XET_HIGH_PERFORMANCE");
        assertThat(shown(build(env(), List.of(0), OptionalInt.of(0), false, false)))
                .containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "0");
        for (int major : new int[] {1, 2}) {
            assertThat(shown(build(env(), List.of(0), OptionalInt.of(major), false, true)))
                    .containsEntry("HF_XET_HIGH_PERFORMANCE", "1").containsEntry("HF_HUB_DISABLE_XET", "0")
                    .doesNotContainKey("HF_HUB_ENABLE_HF_TRANSFER");
            assertThat(shown(build(env(), List.of(0), OptionalInt.of(major), false, false)))
                    .containsEntry("HF_XET_HIGH_PERFORMANCE", "0").containsEntry("HF_HUB_DISABLE_XET", "1");
        }
    }

    @Test
    void aSwitchTheUserSetIsLeftAlone() {
        ChildEnvironment c = build(env("HF_HUB_ENABLE_HF_TRANSFER", "0"), List.of(0), OptionalInt.of(0), false, true);
        assertThat(shown(c)).doesNotContainKey("HF_HUB_ENABLE_HF_TRANSFER");
        assertThat(c.toMap()).containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "0");
        assertThat(c.notes()).contains("HF_HUB_ENABLE_HF_TRANSFER=0 is kept from your environment");
    }

    @Test
    void theProbedInterpreterDecidesTheSwitchesAndDoctorShowsTheSame() {
        PythonReport hub0 = report("0.34.4", false);
        ChildEnvironment.Request r = ChildEnvironment.Request.forInterpreter(List.of(0), hub0, true);
        assertThat(r.fastDownload()).as("0.x without hf_transfer fails when asked for it").isFalse();
        assertThat(shown(ChildEnvironment.build(env(), r))).containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "0");
        assertThat(ChildEnvironment.fastDownloadSwitches(hub0)).containsExactlyEntriesOf(
                java.util.Map.of("HF_HUB_ENABLE_HF_TRANSFER", "0"));
        assertThat(ChildEnvironment.fastDownloadSwitches(report("0.34.4", true)))
                .containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "1");
        assertThat(ChildEnvironment.fastDownloadSwitches(report("1.1.0", false)))
                .containsEntry("HF_XET_HIGH_PERFORMANCE", "1").containsEntry("HF_HUB_DISABLE_XET", "0");
        assertThat(ChildEnvironment.fastDownloadSwitches(report(null, false)))
                .as("an unknown version gets the 1.x switches").containsKey("HF_XET_HIGH_PERFORMANCE");
        assertThat(ChildEnvironment.fastDownloadOff()).containsEntry("HF_HUB_ENABLE_HF_TRANSFER", "0")
                .containsEntry("HF_XET_HIGH_PERFORMANCE", "0").containsEntry("HF_HUB_DISABLE_XET", "1");
    }

    private static PythonReport report(String hub, boolean hfTransfer) {
        return new PythonReport("3.11.9", "/usr/bin/python3", "2.5.1", "12.4", true, 1, null, hub, hfTransfer, false,
                true, true);
    }
}
