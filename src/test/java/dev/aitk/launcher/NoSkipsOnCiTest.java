package dev.aitk.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;
import org.opentest4j.TestAbortedException;

class NoSkipsOnCiTest {

    @Test
    void onCiASkipIsAFailureWithItsReason() {
        Throwable t = NoSkipsOnCi.verdict("ShellTest.lint", new TestAbortedException("shellcheck is not installed"), true);
        assertThat(t).isInstanceOf(AssertionError.class)
                .hasMessage("ShellTest.lint would be skipped on CI (AITK_CI=1), where .ci/run provides everything the "
                        + "tests need: shellcheck is not installed");
    }

    @Test
    void elsewhereASkipStaysASkip() {
        TestAbortedException skip = new TestAbortedException("shellcheck is not installed");
        assertThat(NoSkipsOnCi.verdict("ShellTest.lint", skip, false)).isSameAs(skip);
    }

    @Test
    void realFailuresPassThrough() {
        IOException broken = new IOException("disk full");
        assertThat(NoSkipsOnCi.verdict("X.y", broken, true)).isSameAs(broken);
    }

    @Test
    void everyTestGetsIt() {
        assertThat(ServiceLoader.load(Extension.class).stream().map(p -> p.type().getName()))
                .contains(NoSkipsOnCi.class.getName());
        assertThat(getClass().getResource("/junit-platform.properties")).isNotNull();
    }
}
