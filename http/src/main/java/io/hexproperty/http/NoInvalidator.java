package io.hexproperty.http;

import io.hexproperty.caching.invalidation.Invalidator;

/** The invalidator of a cache that is switched off: there is nothing to drop. */
final class NoInvalidator<K> implements Invalidator<K> {
    private static final NoInvalidator<?> INSTANCE = new NoInvalidator<>();

    @SuppressWarnings("unchecked")
    static <K> Invalidator<K> instance() {
        return (Invalidator<K>) INSTANCE;
    }

    @Override
    public void invalidate(K key, long version) {}

    @Override
    public void invalidate(K key) {}

    @Override
    public void invalidateTag(String tag) {}

    @Override
    public void invalidateAll() {}
}
