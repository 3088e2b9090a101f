package dev.aitk.launcher.supervise;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stop asked for from outside the run (Ctrl+C, SIGTERM, another run that failed): the first reason given, and
 * how many times it was asked, since a second request skips what is left of the waiting. Thread-safe.
 */
final class StopRequest {
    private final AtomicInteger count = new AtomicInteger();
    private volatile String reason;

    void ask(String why) {
        if (reason == null) {
            reason = why;
        }
        count.incrementAndGet();
    }

    boolean asked() {
        return count.get() > 0;
    }

    /** How many requests so far; a stop in progress compares it to see whether the user asked again. */
    int count() {
        return count.get();
    }

    String reason() {
        return reason;
    }
}
