package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import dev.aitk.launcher.util.Retry;
import java.io.IOException;

/**
 * Hub API calls (revision lookup, listing, HEAD) retried like chunks are: backoff with jitter on 5xx and resets,
 * Retry-After on 429, only three tries when the network is not there at all; what is left after the tries becomes
 * the sentence the user needs.
 */
final class ApiRetries {
    /** DNS failures and refused connections rarely heal within seconds. */
    private static final int NO_NETWORK_ATTEMPTS = 3;

    private final HubSettings settings;
    private final DownloadTuning tuning;
    private final Retry retry;

    ApiRetries(HubSettings settings, DownloadTuning tuning) {
        this.settings = settings;
        this.tuning = tuning;
        this.retry = new Retry(tuning.retryPolicy());
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    <T> T call(String what, IoCall<T> call) {
        try {
            return retry.run(call::call, ApiRetries::judge, Retry.Listener.NONE);
        } catch (Retry.Exhausted e) {
            throw failure(what, (IOException) e.last(), e.waitBudgetSpent());
        } catch (IOException e) {
            throw failure(what, e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "prefetch interrupted");
        }
    }

    static Retry.Verdict judge(Exception failure) {
        if (failure instanceof RetryableException r && r.rateLimited()) {
            return Retry.Verdict.waitFor(r.retryAfter().orElseThrow());
        }
        if (failure instanceof IOException io && HubApi.isNoNetwork(io)) {
            return Retry.Verdict.retryAtMost(NO_NETWORK_ATTEMPTS);
        }
        return Retry.Verdict.retry();
    }

    private LauncherException failure(String what, IOException last, boolean waitBudgetSpent) {
        if (waitBudgetSpent) {
            return new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept rate-limiting " + what + " (429) for over "
                    + tuning.rateLimitBudget().toMinutes() + " minutes; wait a while and run again, or set HF_TOKEN for higher limits");
        }
        if (last instanceof RetryableException) {
            return new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept failing on " + what + " ("
                    + settings.redact(last.getMessage()) + "); try again later or use a mirror with --endpoint", last);
        }
        String reason = settings.redact(HubApi.describe(last));
        if (HubApi.isNoNetwork(last)) {
            return new HubUnreachableException("cannot reach the Hub at " + settings.endpoint() + " (" + reason
                    + "); check the network or HTTPS_PROXY, use a mirror with --endpoint / HF_ENDPOINT, or run with --offline if the cache already holds the model", last);
        }
        return new LauncherException(ExitCode.DOWNLOAD_FAILED, what + " failed (" + reason
                + "); check the network or proxy, or use a mirror with --endpoint", last);
    }
}
