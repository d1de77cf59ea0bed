package io.hexproperty.caching.layers.disk;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of warm start; defaults in {@link #defaults()}.
 *
 * @param hottest       how many of L1's hottest entries each save writes
 * @param saveInterval  how often a save runs (plus one at shutdown)
 * @param maxAge        entries loaded longer ago than this are not restored
 */
public record WarmStartConfig(int hottest, Duration saveInterval, Duration maxAge) {

    public WarmStartConfig {
        if (hottest < 1) {
            throw new IllegalArgumentException("hottest must be >= 1, was " + hottest);
        }
        Objects.requireNonNull(saveInterval, "saveInterval");
        Objects.requireNonNull(maxAge, "maxAge");
        if (saveInterval.isZero() || saveInterval.isNegative() || maxAge.isZero() || maxAge.isNegative()) {
            throw new IllegalArgumentException("saveInterval and maxAge must be > 0, were " + saveInterval + ", " + maxAge);
        }
    }

    public static WarmStartConfig defaults() {
        return new WarmStartConfig(10_000, Duration.ofMinutes(5), Duration.ofHours(1));
    }
}
