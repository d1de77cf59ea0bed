package io.hexproperty.caching;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A source of values that is told the lowest version the caller may use: the version a node's L1
 * already knows of (from a tombstone or a cached value), or -1 when it knows none. A source that
 * reads from copies that can lag (an L2 tier, a read replica) must answer from one that has reached
 * {@code minimumVersion}, the origin at worst, instead of handing back the older version: so a lagging
 * copy costs one more read, never an error or a stale answer.
 */
@FunctionalInterface
public interface VersionedLoader<K, V> {

    /** No version floor: the caller knows of no version of the key. */
    long NO_FLOOR = -1;

    /** Empty when the source has no value for the key (absent is never held to a floor). */
    CompletionStage<Optional<CachedValue<V>>> load(K key, long minimumVersion);

    /** A source with a single copy (or none that lags): the floor cannot change its answer. */
    static <K, V> VersionedLoader<K, V> of(Function<K, CompletionStage<Optional<CachedValue<V>>>> source) {
        return (key, minimumVersion) -> source.apply(key);
    }
}
