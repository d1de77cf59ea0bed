package io.hexproperty.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PurgeHook#varnish} delivers bans.
 *
 * @param attempts         tries per ban before it is given up (a dead letter, counted in
 *                         {@code cdn_purge_dead_letters_total}); at least 1
 * @param firstBackoff     wait before the first retry; doubled per retry up to {@code maxBackoff}
 * @param maxBackoff       the longest wait between two tries
 * @param purgeAllInterval at most one purge-all per shared cache in this interval: more requests in
 *                         the interval are merged into one sent when it ends (a flapping feed must not
 *                         empty the CDN over and over, sending the whole audience to the origin)
 */
public record PurgeConfig(int attempts, Duration firstBackoff, Duration maxBackoff, Duration purgeAllInterval) {
    public PurgeConfig {
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(purgeAllInterval, "purgeAllInterval");
        if (attempts < 1 || attempts > 100) {
            throw new IllegalArgumentException("purge attempts must be between 1 and 100, got " + attempts);
        }
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("purge backoff must be positive and firstBackoff <= maxBackoff, got "
                    + firstBackoff + " and " + maxBackoff);
        }
        if (purgeAllInterval.isNegative()) {
            throw new IllegalArgumentException("purgeAllInterval must be >= 0, got " + purgeAllInterval);
        }
    }

    /** 6 tries over about 15 s (0.5, 1, 2, 4, 8 s apart), one purge-all per 30 s. */
    public static PurgeConfig defaults() {
        return new PurgeConfig(6, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    public PurgeConfig withAttempts(int value) {
        return new PurgeConfig(value, firstBackoff, maxBackoff, purgeAllInterval);
    }

    public PurgeConfig withBackoff(Duration first, Duration max) {
        return new PurgeConfig(attempts, first, max, purgeAllInterval);
    }

    public PurgeConfig withPurgeAllInterval(Duration value) {
        return new PurgeConfig(attempts, firstBackoff, maxBackoff, value);
    }

    /** The wait before try number {@code attempt + 1} after {@code attempt} failures (1-based). */
    Duration backoff(int attempt) {
        long millis = firstBackoff.toMillis();
        for (int i = 1; i < attempt && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
