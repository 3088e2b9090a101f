package dev.aitk.launcher.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void cardSizesAreBinaryAsCardsAreSold() {
        assertThat(ByteSize.parse("80GB").toMib()).isEqualTo(80 * 1024);
        assertThat(ByteSize.parse("80G")).isEqualTo(ByteSize.parse("80GB"));
        assertThat(ByteSize.parse("24gb").toMib()).isEqualTo(24 * 1024);
        assertThat(ByteSize.parse("81559MiB").toMib()).isEqualTo(81559);
        assertThat(ByteSize.parse("1.5GiB").toMib()).isEqualTo(1536);
    }

    @ParameterizedTest
    @ValueSource(strings = {"80XB", "-1", "0", "0GB", "", "GB", "eighty", "80 G B", "1e3GB"})
    void nonsenseIsRefusedNamingTheAcceptedForms(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("80GB");
    }
}
