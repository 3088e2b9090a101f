package dev.aitk.launcher.hub;

import dev.aitk.launcher.util.ExitCode;
import dev.aitk.launcher.util.LauncherException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hub API calls (revision lookup, listing, HEAD) retried like chunks are: backoff with jitter on 5xx and resets,
 * Retry-After on 429; what is left after the tries becomes the sentence the user needs.
 */
final class ApiRetries {
    private final HubSettings settings;
    private final DownloadTuning tuning;

    ApiRetries(HubSettings settings, DownloadTuning tuning) {
        this.settings = settings;
        this.tuning = tuning;
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    <T> T call(String what, IoCall<T> call) {
        int attempt = 0;
        Duration rateLimited = Duration.ZERO;
        while (true) {
            try {
                return call.call();
            } catch (RetryableException e) {
                if (e.rateLimited()) {
                    Duration wait = e.retryAfter().orElse(Duration.ofSeconds(5));
                    rateLimited = rateLimited.plus(wait);
                    if (rateLimited.compareTo(tuning.rateLimitBudget()) > 0) {
                        throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept rate-limiting " + what + " (429) for over "
                                + tuning.rateLimitBudget().toMinutes() + " minutes; wait a while and run again, or set HF_TOKEN for higher limits");
                    }
                    pause(wait);
                    continue;
                }
                if (++attempt >= tuning.maxAttempts()) {
                    throw new LauncherException(ExitCode.DOWNLOAD_FAILED, "the Hub kept failing on " + what + " ("
                            + settings.redact(e.getMessage()) + "); try again later or use a mirror with --endpoint", e);
                }
            } catch (IOException e) {
                // DNS failures and refused connections rarely heal within seconds: three tries, then say so.
                int limit = HubApi.isNoNetwork(e) ? Math.min(3, tuning.maxAttempts()) : tuning.maxAttempts();
                if (++attempt >= limit) {
                    String reason = settings.redact(HubApi.describe(e));
                    if (HubApi.isNoNetwork(e)) {
                        throw new HubUnreachableException("cannot reach the Hub at " + settings.endpoint() + " (" + reason
                                + "); check the network or HTTPS_PROXY, use a mirror with --endpoint / HF_ENDPOINT, or run with --offline if the cache already holds the model", e);
                    }
                    throw new LauncherException(ExitCode.DOWNLOAD_FAILED, what + " failed (" + reason
                            + "); check the network or proxy, or use a mirror with --endpoint", e);
                }
            }
            pause(tuning.backoff(attempt, ThreadLocalRandom.current().nextDouble()));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException(ExitCode.INTERRUPTED, "prefetch interrupted");
        }
    }
}
