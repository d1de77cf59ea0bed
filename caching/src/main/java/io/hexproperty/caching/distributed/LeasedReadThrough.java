package io.hexproperty.caching.distributed;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.VersionedLoader;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * {@link DistributedTier#readThrough}: the distributed tier first; on a miss, the lease holder loads from the
 * source, fills the tier and releases, while the other nodes poll the tier and load anyway when the value
 * has not appeared in time (a slow or dead holder must not stall them longer).
 *
 * <p>Versions. The caller passes the lowest version it may use (what its L1 already knows). A value in
 * the distributed tier below that floor is a copy that missed an invalidation (lost in a Redis restart or
 * failover, a replay not yet done): it is skipped, the source is asked with the floor, and the result is
 * offered back with the tier's versioned put, which repairs the copy (an older one never overwrites a
 * newer one, so racing repairs are harmless). A node therefore never waits on, nor serves, an older copy.
 *
 * <p>The holder looks at the tier once more after acquiring: a node whose miss came just before another
 * holder filled the tier and released would otherwise load again. The holder releases only after its
 * fill completed, so whoever acquires next finds the value. Absent results are not stored, nor is a
 * result older than what this node knows by the time it arrives ({@code known}: its L1 heard of a change
 * while the load ran): the distributed tier's tombstone normally refuses it too, but a tombstone lost with a
 * Redis restart would not, and the old version would outlive every node's memory of the change.
 */
final class LeasedReadThrough<K, V> implements VersionedLoader<K, V> {

    private final DistributedTier<K, V> tier;
    private final LoadLease<K> lease;
    private final VersionedLoader<K, V> source;
    private final Duration valueTtl;
    private final LeaseConfig config;
    private final Executor pollDelay;
    private final ToLongFunction<K> known;

    LeasedReadThrough(DistributedTier<K, V> tier, VersionedLoader<K, V> source, Duration valueTtl, LeaseConfig config,
                      ToLongFunction<K> known) {
        if (valueTtl.isNegative() || valueTtl.isZero()) {
            throw new IllegalArgumentException("valueTtl must be positive, was " + valueTtl);
        }
        this.tier = tier;
        this.lease = tier.lease();
        this.source = source;
        this.valueTtl = valueTtl;
        this.config = config;
        this.known = known;
        this.pollDelay = CompletableFuture.delayedExecutor(config.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletionStage<Optional<CachedValue<V>>> load(K key, long minimumVersion) {
        return tier.get(key).thenCompose(hit -> {
            if (usable(hit, minimumVersion)) {
                return CompletableFuture.completedFuture(hit);
            }
            if (hit.isPresent()) {
                return loadAndFill(key, minimumVersion); // an older copy: no lease to wait for, just repair it
            }
            return lease.tryAcquire(key, config.leaseTtl()).thenCompose(held -> held
                    ? loadHolding(key, minimumVersion) : await(key, minimumVersion, config.pollAttempts()));
        });
    }

    private static <V> boolean usable(Optional<CachedValue<V>> hit, long minimumVersion) {
        return hit.isPresent() && hit.get().version() >= minimumVersion;
    }

    private CompletionStage<Optional<CachedValue<V>>> loadHolding(K key, long minimumVersion) {
        CompletionStage<Optional<CachedValue<V>>> loaded = tier.get(key).thenCompose(hit -> usable(hit, minimumVersion)
                ? CompletableFuture.completedFuture(hit) : loadAndFill(key, minimumVersion));
        return loaded.handle((value, error) -> lease.release(key).thenCompose(released -> error == null
                        ? CompletableFuture.completedFuture(value)
                        : CompletableFuture.<Optional<CachedValue<V>>>failedFuture(error)))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Optional<CachedValue<V>>> await(K key, long minimumVersion, int attemptsLeft) {
        if (attemptsLeft == 0) {
            return loadAndFill(key, minimumVersion);
        }
        return CompletableFuture.runAsync(() -> { }, pollDelay)
                .thenCompose(ignored -> tier.get(key))
                .thenCompose(hit -> usable(hit, minimumVersion) ? CompletableFuture.completedFuture(hit)
                        : await(key, minimumVersion, attemptsLeft - 1));
    }

    private CompletionStage<Optional<CachedValue<V>>> loadAndFill(K key, long minimumVersion) {
        return source.load(key, minimumVersion).thenCompose(loaded -> loaded.isEmpty()
                ? CompletableFuture.completedFuture(loaded)
                : loaded.get().version() < known.applyAsLong(key) ? CompletableFuture.completedFuture(loaded)
                : tier.putIfNewer(key, loaded.get(), valueTtl).handle((outcome, error) -> loaded));
    }
}
