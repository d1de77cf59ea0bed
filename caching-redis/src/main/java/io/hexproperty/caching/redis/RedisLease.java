package io.hexproperty.caching.redis;

import io.hexproperty.caching.CachedValue;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A cross-node lease on one cache key ({@code SET {prefix:key}:l token NX PX ttl}), so that when a key
 * goes cold on many nodes at once only one of them loads it from the database. The owner token is this
 * lease object's (one per tier instance, i.e. per node): within a node, L1's single flight already
 * collapses concurrent loads. Release is compare-and-delete by token (Lua), so a holder whose lease
 * expired cannot delete the lease of the node that took it over.
 *
 * <p>Like the tier, the lease never fails its caller: when Redis cannot be asked, {@link #tryAcquire}
 * answers {@code true} (go ahead and load, as without a lease) and the failure is counted.
 */
public interface RedisLease<K> {

    /** True when this node now holds the lease on {@code key} for {@code ttl} (or Redis is unavailable). */
    CompletionStage<Boolean> tryAcquire(K key, Duration ttl);

    /** True when this node's lease was deleted; false when it had expired or another node holds it. */
    CompletionStage<Boolean> release(K key);

    /**
     * Decorates a source loader: L2 first; on a miss, the lease holder loads, fills L2 and releases,
     * while the other nodes poll L2 ({@code pollAttempts} times, {@code pollInterval} apart) and load
     * anyway if the value has not appeared by then (a slow or dead holder must not stall them longer).
     * An absent result (not found) is not stored, so waiters for an absent key load it themselves.
     */
    static <K, V> Function<K, CompletionStage<Optional<CachedValue<V>>>> singleFlight(
            RedisDistributedTier<K, V> tier, Function<K, CompletionStage<Optional<CachedValue<V>>>> source,
            Duration valueTtl, LeaseConfig config) {
        return new LeasedLoader<>(tier, tier.lease(), source, valueTtl, config);
    }

    /**
     * Defaults: leaseTtl 5 s (longer than a normal load; a dead holder blocks nobody for longer),
     * pollInterval 20 ms, pollAttempts 25 (waiters load themselves after ~0.5 s).
     */
    record LeaseConfig(Duration leaseTtl, Duration pollInterval, int pollAttempts) {
        public LeaseConfig {
            if (leaseTtl == null || leaseTtl.isNegative() || leaseTtl.isZero()) {
                throw new IllegalArgumentException("leaseTtl must be positive, was " + leaseTtl);
            }
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
            }
            if (pollAttempts < 0) {
                throw new IllegalArgumentException("pollAttempts must be >= 0, was " + pollAttempts);
            }
        }

        public static LeaseConfig defaults() {
            return new LeaseConfig(Duration.ofSeconds(5), Duration.ofMillis(20), 25);
        }
    }
}
