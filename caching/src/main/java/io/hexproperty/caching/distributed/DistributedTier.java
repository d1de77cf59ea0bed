package io.hexproperty.caching.distributed;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

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

    static <K, V> DistributedTier<K, V> inProcess(long maximumSize, Duration tombstoneWindow, Ticker ticker) {
        return new InProcessDistributedTier<>(maximumSize, tombstoneWindow, ticker);
    }

    /**
     * A loader for {@code ReadThrough} that asks this tier first and, on a miss, the source, filling
     * this tier with what the source returned. L1's version rules still apply to whatever comes back:
     * a value from here that is older than a change L1 already saw is retried, never served.
     */
    default Function<K, CompletionStage<Optional<CachedValue<V>>>> readThrough(
            Function<K, CompletionStage<Optional<CachedValue<V>>>> source, Duration ttl) {
        return key -> get(key).thenCompose(hit -> {
            if (hit.isPresent()) {
                return CompletableFuture.completedFuture(hit);
            }
            return source.apply(key).thenCompose(loaded -> loaded.isEmpty()
                    ? CompletableFuture.completedFuture(loaded)
                    : putIfNewer(key, loaded.get(), ttl).handle((outcome, error) -> loaded));
        });
    }
}
