package io.hexproperty.caching.strategies;

import java.util.Optional;

/**
 * What the store reports after a write: the version it produced and the new value, or no value for a
 * delete (whose version is one past the last, so its tombstone outranks every earlier read).
 */
public record StoreWrite<V>(long version, Optional<V> value) {

    public static <V> StoreWrite<V> written(V value, long version) {
        return new StoreWrite<>(version, Optional.of(value));
    }

    public static <V> StoreWrite<V> deleted(long version) {
        return new StoreWrite<>(version, Optional.empty());
    }
}
