package io.hexproperty.caching.distributed;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.VersionedLoader;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;

/**
 * The SPI of a tier shared between nodes (L2, e.g. Redis): the same version rules as L1, applied
 * atomically by the tier itself (in Redis: one Lua script per call), so that two nodes racing to fill
 * it cannot put an older version over a newer one or re-fill it after an invalidation.
 * <ul>
 *   <li>{@link #putIfNewer}: refused when the stored version is higher or a tombstone is at a higher
 *       version; an equal version replaces (refreshes the TTL);</li>
 *   <li>{@link #invalidate}: removes versions below {@code version} and leaves a tombstone at it for
 *       the tombstone window.</li>
 * </ul>
 * Every adapter must pass the contract test {@code DistributedTierContract} (caching test sources).
 * {@link #inProcess} is the reference implementation, for tests and for a single-JVM deployment.
 */
public interface DistributedTier<K, V> {

    CompletionStage<Optional<CachedValue<V>>> get(K key);

    CompletionStage<InstallOutcome> putIfNewer(K key, CachedValue<V> value, Duration ttl);

    CompletionStage<Void> invalidate(K key, long version);

    /**
     * Manual invalidation: drops the key's value, leaving no tombstone (the next load fills it again).
     * Unlike the other operations it fails its stage when the tier cannot be reached, so an operator
     * learns that the purge did not land.
     */
    default CompletionStage<Void> evict(K key) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Manual invalidation of everything this tier holds (values only; tombstones stay); completes with the count dropped. */
    default CompletionStage<Long> evictAll() {
        return java.util.concurrent.CompletableFuture.completedFuture(0L);
    }

    static <K, V> DistributedTier<K, V> inProcess(long maximumSize, Duration tombstoneWindow, Ticker ticker) {
        return new InProcessDistributedTier<>(maximumSize, tombstoneWindow, ticker);
    }

    /** The cross-node load lease on this tier's keys; {@link LoadLease#none()} for a tier no other process shares. */
    default LoadLease<K> lease() {
        return LoadLease.none();
    }

    /**
     * A loader for {@code ReadThrough} that asks this tier first and, on a miss, the source (one node
     * per key at a time, under {@link #lease()}), filling this tier with what the source returned. A
     * value here below the caller's minimum version is skipped for the source and repaired with
     * {@link #putIfNewer}: an older copy is never returned, never waited on, never an error.
     */
    default VersionedLoader<K, V> readThrough(VersionedLoader<K, V> source, Duration ttl, LeaseConfig leases) {
        return readThrough(source, ttl, leases, key -> VersionedLoader.NO_FLOOR);
    }

    /**
     * As above; {@code known} is the version the caller knows of a key now (its L1's tombstone or cached
     * version): a loaded value below it is returned (the caller refuses it) but never written here.
     */
    default VersionedLoader<K, V> readThrough(VersionedLoader<K, V> source, Duration ttl, LeaseConfig leases,
                                              ToLongFunction<K> known) {
        return new LeasedReadThrough<>(this, source, ttl, leases, known);
    }

    /** {@link #readThrough(VersionedLoader, Duration, LeaseConfig)} with {@link LeaseConfig#defaults()}. */
    default VersionedLoader<K, V> readThrough(VersionedLoader<K, V> source, Duration ttl) {
        return readThrough(source, ttl, LeaseConfig.defaults());
    }

    /** A tier that holds nothing (no L2): every get misses, every put is skipped. */
    static <K, V> DistributedTier<K, V> none() {
        return new DistributedTier<>() {
            @Override
            public CompletionStage<Optional<CachedValue<V>>> get(K key) {
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override
            public CompletionStage<InstallOutcome> putIfNewer(K key, CachedValue<V> value, Duration ttl) {
                return CompletableFuture.completedFuture(InstallOutcome.SKIPPED);
            }

            @Override
            public CompletionStage<Void> invalidate(K key, long version) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
