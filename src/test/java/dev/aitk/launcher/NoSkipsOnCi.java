package dev.aitk.launcher;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * CI's rule for skipped tests. {@code .ci/run} installs everything the tests need and sets {@value #CI_VARIABLE}=1;
 * there a skipped test - an assumption that did not hold, wherever it was written - fails with its reason, so a
 * broken install cannot pass as a quiet skip. Outside CI, skips stay skips. Registered for every test
 * (src/test/resources/META-INF/services; autodetection is on in junit-platform.properties).
 */
public final class NoSkipsOnCi implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    /** Set to 1 by .ci/run. */
    public static final String CI_VARIABLE = "AITK_CI";

    /** True under .ci/run. */
    public static boolean onCi() {
        return "1".equals(System.getenv(CI_VARIABLE));
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw failOnCi(context, thrown);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw failOnCi(context, thrown);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw failOnCi(context, thrown);
    }

    private static Throwable failOnCi(ExtensionContext context, Throwable thrown) {
        String test = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
        return verdict(test, thrown, onCi());
    }

    /** What {@code test} ends with when it threw {@code thrown}: a skip becomes a failure on CI. */
    static Throwable verdict(String test, Throwable thrown, boolean onCi) {
        if (!(thrown instanceof TestAbortedException) || !onCi) {
            return thrown;
        }
        AssertionError failure = new AssertionError(test + " would be skipped on CI (" + CI_VARIABLE
                + "=1), where .ci/run provides everything the tests need: " + thrown.getMessage());
        failure.initCause(thrown);
        return failure;
    }
}
