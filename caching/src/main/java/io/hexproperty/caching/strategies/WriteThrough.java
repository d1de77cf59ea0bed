package io.hexproperty.caching.strategies;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.layers.memory.MemoryTier;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Installs the store's answer right after a successful write. A delete installs nothing but leaves a
 * tombstone at the delete's version. If the change feed already delivered something newer, the tier
 * refuses the install, which is what we want.
 */
final class WriteThrough<K, C, V> implements WriteStrategy<K, C, StoreWrite<V>> {

    private final MemoryTier<K, V> tier;
    private final BiFunction<K, C, CompletionStage<StoreWrite<V>>> store;
    private final BiFunction<K, V, Set<String>> tags;
    private final Clock clock;

    WriteThrough(MemoryTier<K, V> tier, BiFunction<K, C, CompletionStage<StoreWrite<V>>> store,
                 BiFunction<K, V, Set<String>> tags, Clock clock) {
        this.tier = tier;
        this.store = store;
        this.tags = tags;
        this.clock = clock;
    }

    @Override
    public CompletionStage<StoreWrite<V>> write(K key, C change) {
        return store.apply(key, change).thenApply(written -> {
            if (written.value().isPresent()) {
                V value = written.value().get();
                tier.install(key, new CachedValue<>(value, written.version(), clock.instant()),
                        tags.apply(key, value));
            } else {
                tier.invalidate(key, written.version());
            }
            return written;
        });
    }
}
