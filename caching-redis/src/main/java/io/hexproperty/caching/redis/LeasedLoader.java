package io.hexproperty.caching.redis;

import io.hexproperty.caching.CachedValue;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The loader of {@link RedisLease#singleFlight}. The holder looks at L2 once more after acquiring: a
 * node whose miss came just before another holder filled L2 and released would otherwise load again.
 * The holder releases only after its fill completed, so whoever acquires next finds the value.
 */
final class LeasedLoader<K, V> implements Function<K, CompletionStage<Optional<CachedValue<V>>>> {

    private final RedisDistributedTier<K, V> tier;
    private final RedisLease<K> lease;
    private final Function<K, CompletionStage<Optional<CachedValue<V>>>> source;
    private final Duration valueTtl;
    private final RedisLease.LeaseConfig config;
    private final Executor pollDelay;

    LeasedLoader(RedisDistributedTier<K, V> tier, RedisLease<K> lease,
                 Function<K, CompletionStage<Optional<CachedValue<V>>>> source, Duration valueTtl,
                 RedisLease.LeaseConfig config) {
        this.tier = tier;
        this.lease = lease;
        this.source = source;
        this.valueTtl = valueTtl;
        this.config = config;
        this.pollDelay = CompletableFuture.delayedExecutor(config.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public CompletionStage<Optional<CachedValue<V>>> apply(K key) {
        return tier.get(key).thenCompose(hit -> hit.isPresent()
                ? CompletableFuture.completedFuture(hit)
                : lease.tryAcquire(key, config.leaseTtl()).thenCompose(held -> held ? loadHolding(key) : await(key, config.pollAttempts())));
    }

    private CompletionStage<Optional<CachedValue<V>>> loadHolding(K key) {
        CompletionStage<Optional<CachedValue<V>>> loaded = tier.get(key)
                .thenCompose(hit -> hit.isPresent() ? CompletableFuture.completedFuture(hit) : loadAndFill(key));
        return loaded.handle((value, error) -> lease.release(key).thenCompose(released -> error == null
                        ? CompletableFuture.completedFuture(value)
                        : CompletableFuture.<Optional<CachedValue<V>>>failedFuture(RedisEndpoint.unwrap(error))))
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Optional<CachedValue<V>>> await(K key, int attemptsLeft) {
        if (attemptsLeft == 0) {
            return loadAndFill(key);
        }
        return CompletableFuture.runAsync(() -> { }, pollDelay)
                .thenCompose(ignored -> tier.get(key))
                .thenCompose(hit -> hit.isPresent() ? CompletableFuture.completedFuture(hit) : await(key, attemptsLeft - 1));
    }

    private CompletionStage<Optional<CachedValue<V>>> loadAndFill(K key) {
        return source.apply(key).thenCompose(loaded -> loaded.isEmpty()
                ? CompletableFuture.completedFuture(loaded)
                : tier.putIfNewer(key, loaded.get(), valueTtl).thenApply(outcome -> loaded));
    }
}
