package io.hexproperty.database.sharding;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which shard recently seen keys live on, so a find of a listing a search just returned (the usual
 * path: results page, then detail) asks one shard instead of all. Learnt for free: every listing a
 * store returns names its state, and the state names the shard.
 *
 * <p>An entry can only be stale in one way, because a listing never moves: its listing was deleted.
 * The router then gets "absent" from the remembered shard and probes every shard anyway, so a stale
 * entry costs one extra lookup and can never hide a listing. Bounded LRU; a capacity of 0 turns it off.
 */
final class KeyLocations {
    private final int capacity;
    private final Map<ListingKey, Integer> shards;

    KeyLocations(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, was " + capacity);
        }
        this.capacity = capacity;
        this.shards = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ListingKey, Integer> eldest) {
                return size() > KeyLocations.this.capacity;
            }
        };
    }

    /** The remembered shard of {@code key}, or -1. */
    synchronized int shardOf(ListingKey key) {
        Integer shard = capacity == 0 ? null : shards.get(key);
        return shard == null ? -1 : shard;
    }

    void learn(Listing listing, ShardMap map) {
        if (capacity > 0) {
            int shard = map.shardOf(listing.address().stateOrProvince());
            synchronized (this) {
                shards.put(listing.listingKey(), shard);
            }
        }
    }

    void learn(List<Listing> listings, ShardMap map) {
        if (capacity > 0 && !listings.isEmpty()) {
            synchronized (this) {
                for (Listing listing : listings) {
                    shards.put(listing.listingKey(), map.shardOf(listing.address().stateOrProvince()));
                }
            }
        }
    }

    /** The shard a probe found the key on. */
    void remember(ListingKey key, int shard) {
        if (capacity > 0) {
            synchronized (this) {
                shards.put(key, shard);
            }
        }
    }

    synchronized void forget(ListingKey key) {
        shards.remove(key);
    }

    synchronized int size() {
        return shards.size();
    }
}
