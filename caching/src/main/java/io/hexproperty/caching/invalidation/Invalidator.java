package io.hexproperty.caching.invalidation;

/**
 * The invalidation modes every versioned tier supports. A versioned invalidation
 * {@code invalidate(key, v)} means "the source is now at version v": values older than v are dropped
 * and may not be installed again while the tombstone lives; a value at v or newer is kept. Deletions
 * use the same call with the version the delete produced (the domain's {@code ListingChange} gives a
 * delete one past the last version, so the tombstone outranks every earlier read).
 */
public interface Invalidator<K> {

    /** Event/version invalidation: drop versions below {@code version}, refuse their later install. */
    void invalidate(K key, long version);

    /** Manual invalidation: drop the key whatever its version; loads that started before are not installed. */
    void invalidate(K key);

    /** Drops every entry carrying the tag (e.g. {@code city:houston-tx}); loads of such values in flight are not installed. */
    void invalidateTag(String tag);

    /** Drops everything; loads in flight are not installed. */
    void invalidateAll();
}
