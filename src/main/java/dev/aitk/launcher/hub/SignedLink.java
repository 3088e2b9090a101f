package dev.aitk.launcher.hub;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A download link the Hub handed out, with the moment it stops working when the link says so: CDN links are signed
 * for about an hour (CloudFront's {@code Expires=<epoch s>}, S3's {@code X-Amz-Date} plus {@code X-Amz-Expires}),
 * and a large file outlives them. Knowing the expiry lets a chunk ask the Hub for a fresh link before it is refused.
 */
record SignedLink(URI uri, Instant obtainedAt, Optional<Instant> expiresAt) {
    /** The most we stay clear of the expiry (clock skew between us and the CDN, a request in flight). */
    private static final Duration MAX_MARGIN = Duration.ofSeconds(60);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    static SignedLink of(URI uri, Instant now) {
        return new SignedLink(uri, now, expiryOf(uri));
    }

    /**
     * Whether the link should be replaced before use. A link that already read as expired when it was handed out
     * means our clock disagrees with the CDN's: it is used anyway and the CDN's answer decides.
     */
    boolean expiredAt(Instant now) {
        if (expiresAt.isEmpty()) {
            return false;
        }
        Instant expiry = expiresAt.get();
        Duration lifetime = Duration.between(obtainedAt, expiry);
        if (lifetime.isNegative() || lifetime.isZero()) {
            return false;
        }
        Duration margin = lifetime.dividedBy(10).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(10) : MAX_MARGIN;
        return !now.isBefore(expiry.minus(margin));
    }

    static Optional<Instant> expiryOf(URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                params.put(kv.substring(0, eq).toLowerCase(java.util.Locale.ROOT), kv.substring(eq + 1));
            }
        }
        try {
            if (params.containsKey("expires")) {
                return Optional.of(Instant.ofEpochSecond(Long.parseLong(params.get("expires"))));
            }
            if (params.containsKey("x-amz-date") && params.containsKey("x-amz-expires")) {
                Instant signed = LocalDateTime.parse(params.get("x-amz-date"), AMZ_DATE).toInstant(ZoneOffset.UTC);
                return Optional.of(signed.plusSeconds(Long.parseLong(params.get("x-amz-expires"))));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // A parameter we cannot read: the CDN's 403 remains the signal.
        }
        return Optional.empty();
    }
}
