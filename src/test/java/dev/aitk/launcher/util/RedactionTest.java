package dev.aitk.launcher.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void credentialsInsideUrlsAreMaskedAndTheRestKept() {
        assertThat(Redaction.urlCredentials("via http://alice:hunter2@proxy.example:3128 and postgres://bob@db/x"))
                .isEqualTo("via http://<redacted>@proxy.example:3128 and postgres://<redacted>@db/x");
        assertThat(Redaction.urlCredentials("https://huggingface.co/org/model?x=a@b")).as("no user info")
                .isEqualTo("https://huggingface.co/org/model?x=a@b");
        assertThat(Redaction.urlCredentials("mail me at a@b.example")).isEqualTo("mail me at a@b.example");
    }

    @Test
    void changesKeepOnlyWhatDiffersWithSecretsMaskedAndRemovalsNamed() {
        Map<String, String> user = Map.of("PATH", "/bin", "MY_PASSWD", "odd", "HF_HUB_OFFLINE", "1");
        Map<String, String> child = Map.of("PATH", "/bin", "MY_PASSWD", "odd", "HF_TOKEN", "hf_x",
                "HTTPS_PROXY", "http://a:pw@p:1", "CUDA_VISIBLE_DEVICES", "0");

        assertThat(Redaction.changes(user, child)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "HF_TOKEN", Redaction.MASK, "HTTPS_PROXY", "http://<redacted>@p:1", "CUDA_VISIBLE_DEVICES", "0",
                "HF_HUB_OFFLINE", Redaction.UNSET));
    }
}
