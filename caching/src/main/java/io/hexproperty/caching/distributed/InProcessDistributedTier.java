package io.hexproperty.caching.distributed;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;

/**
 * The reference {@link DistributedTier}: the version rules applied inside a per-key {@code compute},
 * the way a Redis adapter applies them inside one Lua script.
 */
final class InProcessDistributedTier<K, V> implements DistributedTier<K, V> {

    private record Stored<V>(CachedValue<V> value, long expiresAtNanos) {}

    private final Ticker ticker;
    private final ConcurrentMap<K, Stored<V>> values;
    private final ConcurrentMap<K, Long> tombstones;

    InProcessDistributedTier(long maximumSize, Duration tombstoneWindow, Ticker ticker) {
        this.ticker = ticker;
        Cache<K, Stored<V>> cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(Expiry.<K, Stored<V>>writing((k, s) -> Duration.ofNanos(
                        Math.max(0, s.expiresAtNanos() - ticker.read()))))
                .build();
        this.values = cache.asMap();
        this.tombstones = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(tombstoneWindow)
                .ticker(ticker).executor(Runnable::run).<K, Long>build().asMap();
    }

    @Override
    public CompletionStage<Optional<CachedValue<V>>> get(K key) {
        Stored<V> stored = values.get(key);
        return CompletableFuture.completedFuture(Optional.ofNullable(stored).map(Stored::value));
    }

    @Override
    public CompletionStage<InstallOutcome> putIfNewer(K key, CachedValue<V> value, Duration ttl) {
        InstallOutcome[] outcome = new InstallOutcome[1];
        values.compute(key, (k, current) -> {
            Long tombstone = tombstones.get(k);
            if (tombstone != null && value.version() < tombstone) {
                outcome[0] = InstallOutcome.REFUSED_TOMBSTONE;
                return current;
            }
            if (current != null && current.value().version() > value.version()) {
                outcome[0] = InstallOutcome.REFUSED_OLDER;
                return current;
            }
            outcome[0] = InstallOutcome.INSTALLED;
            return new Stored<>(value, ticker.read() + ttl.toNanos());
        });
        return CompletableFuture.completedFuture(outcome[0]);
    }

    @Override
    public CompletionStage<Void> invalidate(K key, long version) {
        values.compute(key, (k, current) -> {
            tombstones.merge(k, version, Math::max);
            return current != null && current.value().version() < version ? null : current;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> evict(K key) {
        values.remove(key);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Long> evictAll() {
        long count = values.size();
        values.clear();
        return CompletableFuture.completedFuture(count);
    }
}
