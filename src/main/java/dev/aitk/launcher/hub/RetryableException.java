package dev.aitk.launcher.hub;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** A failure worth another try (5xx, 429, reset, stall, truncated body); {@code retryAfter} when the server named a wait. */
final class RetryableException extends IOException {
    private final transient Optional<Duration> retryAfter;
    private final boolean stall;
    private boolean linkRefreshed;

    RetryableException(String message, Optional<Duration> retryAfter, boolean stall, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
        this.stall = stall;
    }

    RetryableException(String message) {
        this(message, Optional.empty(), false, null);
    }

    /** The link expired and a fresh one is in hand: try again at once, and do not count it as a failure. */
    static RetryableException linkRefreshed(String message) {
        RetryableException e = new RetryableException(message);
        e.linkRefreshed = true;
        return e;
    }

    boolean linkRefreshed() {
        return linkRefreshed;
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    boolean rateLimited() {
        return retryAfter.isPresent();
    }

    boolean stall() {
        return stall;
    }
}
