package io.hexproperty.caching;

import java.time.Instant;
import java.util.Objects;

/**
 * A value as read from its source, with the source version it was read at and when it was read.
 * The version is what makes the cache correct: an install is refused when a newer version is cached
 * or when an invalidation for a newer version has been seen (see {@code MemoryTier}).
 */
public record CachedValue<V>(V value, long version, Instant loadedAt) {
    public CachedValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(loadedAt, "loadedAt");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
    }
}
