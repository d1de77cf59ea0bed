package io.hexproperty.caching.strategies;

import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.invalidation.Invalidator;
import io.hexproperty.caching.layers.memory.MemoryTier;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * How a write reaches the store and the cache. {@code C} is the change (a patch, a delta), {@code R}
 * what the caller gets back once the write is accepted.
 * <ul>
 *   <li>{@link #writeThrough} - write the store, then install the new version at once (read-your-writes
 *       on this node; other nodes learn through the change feed);</li>
 *   <li>{@link #writeAround} - write the store, then invalidate up to the new version; the next read
 *       loads it (for values rarely read right after being written);</li>
 *   <li>{@link #writeBehind} - counters: acknowledge once journaled, aggregate in memory, flush in
 *       batches to a sink.</li>
 * </ul>
 * In all three, a store failure leaves the cache untouched and fails the returned stage.
 */
public interface WriteStrategy<K, C, R> {

    CompletionStage<R> write(K key, C change);

    static <K, C, V> WriteStrategy<K, C, StoreWrite<V>> writeThrough(
            MemoryTier<K, V> tier, BiFunction<K, C, CompletionStage<StoreWrite<V>>> store,
            BiFunction<K, V, Set<String>> tags, Clock clock) {
        return new WriteThrough<>(tier, store, tags, clock);
    }

    static <K, C, V> WriteStrategy<K, C, StoreWrite<V>> writeThrough(
            MemoryTier<K, V> tier, BiFunction<K, C, CompletionStage<StoreWrite<V>>> store) {
        return writeThrough(tier, store, (k, v) -> Set.of(), Clock.systemUTC());
    }

    static <K, C, V> WriteStrategy<K, C, StoreWrite<V>> writeAround(
            Invalidator<K> cache, BiFunction<K, C, CompletionStage<StoreWrite<V>>> store) {
        return (key, change) -> store.apply(key, change).thenApply(written -> {
            cache.invalidate(key, written.version());
            return written;
        });
    }

    /**
     * Write-behind counters journaled under {@code config.directory()}; replays what a previous run left
     * there before returning. Close it to flush and stop.
     */
    static <K> WriteBehind<K> writeBehind(WriteBehindConfig config, KeyCodec<K> codec, WriteBehindSink<K> sink) {
        return JournaledWriteBehind.open(config, codec, sink);
    }
}
