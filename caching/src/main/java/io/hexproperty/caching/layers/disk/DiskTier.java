package io.hexproperty.caching.layers.disk;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A bounded directory of checksummed files, one per entry, holding pre-encoded bytes with their
 * version and tags. A file that is truncated or fails its checksum is deleted and never served. All
 * methods do blocking file I/O: call them from a virtual thread or a worker, never an event loop.
 */
public interface DiskTier<K> {

    static <K> DiskTier<K> open(DiskTierConfig config, KeyCodec<K> codec, TierMetrics metrics) {
        return FileDiskTier.open(config, codec, metrics);
    }

    Optional<Stored<K>> get(K key);

    void put(K key, CachedValue<byte[]> value, Set<String> tags);

    void remove(K key);

    /** Every intact entry (corrupt ones are deleted on the way), most recently written first. */
    List<Stored<K>> loadAll();

    /** Deletes every entry whose key is not in {@code keep}. */
    void retainOnly(Set<K> keep);

    /**
     * Records the change-feed position the entries are at least as new as (read it before taking the
     * snapshot); after a restart, replay the feed from it, or drop the entries if the feed cannot reach back.
     */
    default void saveWatermark(long sequence) {
        saveWatermarks(new long[] {sequence});
    }

    /** The one saved position, empty when none was saved or several were ({@link #watermarks()}). */
    default OptionalLong watermark() {
        return watermarks().filter(marks -> marks.length == 1).map(marks -> OptionalLong.of(marks[0]))
                .orElse(OptionalLong.empty());
    }

    /**
     * Like {@link #saveWatermark(long)} for a change feed with several independent sequences (one per
     * database shard): {@code sequences[i]} is the position in sequence i.
     */
    void saveWatermarks(long[] sequences);

    /** The saved positions, one per sequence, in the order they were saved. */
    java.util.Optional<long[]> watermarks();

    int size();

    long bytes();

    record Stored<K>(K key, CachedValue<byte[]> value, Set<String> tags) {}
}
