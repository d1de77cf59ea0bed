package io.hexproperty.caching.layers.memory;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the in-process (L1) tier; defaults in {@link #defaults()}.
 *
 * @param name              the {@code cache} tag on metrics
 * @param maximumSize       entries kept (W-TinyLFU admission and eviction)
 * @param ttl               how long a value is fresh, before jitter
 * @param ttlJitter         fraction of ttl added or removed at random per entry (0.1 = +-10%), so
 *                          entries loaded together do not expire together
 * @param staleIfError      how long after expiry a value is kept to be served when the loader fails
 * @param tombstoneWindow   how long an invalidation is remembered; a load that takes longer than this
 *                          is not installed (its staleness can no longer be judged)
 * @param maximumTombstones bound of the tombstone map; when it overflows, loads that started before
 *                          the evicted tombstone are refused, so overflow costs misses, never staleness
 * @param maximumWeight     0: the tier is bounded by {@code maximumSize} entries; above 0: by the sum of
 *                          its entries' weights (bytes, from the weigher given to {@link MemoryTier#create})
 *                          instead, for values whose sizes differ by orders of magnitude (search pages)
 */
public record MemoryTierConfig(String name, long maximumSize, Duration ttl, double ttlJitter,
                               Duration staleIfError, Duration tombstoneWindow, long maximumTombstones,
                               long maximumWeight) {

    public MemoryTierConfig {
        Objects.requireNonNull(name, "name");
        requirePositive("ttl", ttl);
        requirePositive("tombstoneWindow", tombstoneWindow);
        Objects.requireNonNull(staleIfError, "staleIfError");
        if (staleIfError.isNegative()) {
            throw new IllegalArgumentException("staleIfError must be >= 0, was " + staleIfError);
        }
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize must be >= 1, was " + maximumSize);
        }
        if (maximumWeight < 0) {
            throw new IllegalArgumentException("maximumWeight must be >= 0 (0 = bounded by maximumSize), was " + maximumWeight);
        }
        if (maximumTombstones < 1) {
            throw new IllegalArgumentException("maximumTombstones must be >= 1, was " + maximumTombstones);
        }
        if (!(ttlJitter >= 0 && ttlJitter < 1)) {
            throw new IllegalArgumentException("ttlJitter must be in [0, 1), was " + ttlJitter);
        }
    }

    public static MemoryTierConfig defaults() {
        return new MemoryTierConfig("l1", 100_000, Duration.ofMinutes(5), 0.1, Duration.ofMinutes(1),
                Duration.ofSeconds(30), 100_000, 0);
    }

    public MemoryTierConfig withName(String value) {
        return new MemoryTierConfig(value, maximumSize, ttl, ttlJitter, staleIfError, tombstoneWindow, maximumTombstones, maximumWeight);
    }

    public MemoryTierConfig withMaximumSize(long value) {
        return new MemoryTierConfig(name, value, ttl, ttlJitter, staleIfError, tombstoneWindow, maximumTombstones, maximumWeight);
    }

    public MemoryTierConfig withTtl(Duration value, double jitter) {
        return new MemoryTierConfig(name, maximumSize, value, jitter, staleIfError, tombstoneWindow, maximumTombstones, maximumWeight);
    }

    public MemoryTierConfig withStaleIfError(Duration value) {
        return new MemoryTierConfig(name, maximumSize, ttl, ttlJitter, value, tombstoneWindow, maximumTombstones, maximumWeight);
    }

    public MemoryTierConfig withTombstones(Duration window, long maximum) {
        return new MemoryTierConfig(name, maximumSize, ttl, ttlJitter, staleIfError, window, maximum, maximumWeight);
    }

    /** Bounded by the total weight of the entries (bytes) rather than their count; see {@code maximumWeight}. */
    public MemoryTierConfig withMaximumWeight(long value) {
        return new MemoryTierConfig(name, maximumSize, ttl, ttlJitter, staleIfError, tombstoneWindow, maximumTombstones, value);
    }

    boolean weighed() {
        return maximumWeight > 0;
    }

    private static void requirePositive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }
}
