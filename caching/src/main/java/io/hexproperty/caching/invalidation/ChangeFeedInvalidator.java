package io.hexproperty.caching.invalidation;

import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event invalidation: applies the change feed (commit order, gap-free sequence) to the caches. Each
 * change invalidates the listing at its version (a delete carries one past the last version) and the
 * tags of pages that may contain it: city, state, H3 cell, the listing itself and {@link CacheTag#anyListing()}.
 *
 * <p>A node must never drift silently: when a sequence number is skipped, or the caller reports a lost
 * connection, every cache is flushed ({@code invalidateAll}) and tracking restarts from the next change.
 * A caller that can catch up from the outbox instead replays from {@link #lastSequence()} + 1; replays
 * are harmless because versioned invalidations are idempotent. Changes at or below the last sequence
 * (redeliveries) are applied again for the same reason.
 */
public final class ChangeFeedInvalidator implements Consumer<ListingChange> {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeedInvalidator.class);

    private final Invalidator<ListingKey> listings;
    private final List<Invalidator<?>> taggedCaches;
    private final ReentrantLock lock = new ReentrantLock();
    private long lastSequence;
    private long flushes;

    /**
     * @param listings      the cache keyed by listing
     * @param taggedCaches  caches of pages tagged with {@link CacheTag}s (search results, ...)
     * @param lastSequence  the sequence the caches are known to be current with, or -1 if unknown
     */
    public ChangeFeedInvalidator(Invalidator<ListingKey> listings, List<? extends Invalidator<?>> taggedCaches,
                                 long lastSequence) {
        this.listings = listings;
        this.taggedCaches = List.copyOf(taggedCaches);
        this.lastSequence = lastSequence;
    }

    @Override
    public void accept(ListingChange change) {
        lock.lock();
        try {
            if (lastSequence >= 0 && change.sequence() > lastSequence + 1) {
                flushAll("change feed gap: expected sequence " + (lastSequence + 1) + ", got " + change.sequence());
            }
            listings.invalidate(change.listingKey(), change.version());
            for (Invalidator<?> cache : taggedCaches) {
                if (change.city() != null && change.state() != null) {
                    cache.invalidateTag(CacheTag.city(change.city(), change.state()));
                }
                if (change.state() != null) {
                    cache.invalidateTag(CacheTag.state(change.state()));
                }
                cache.invalidateTag(CacheTag.h3(change.h3r7()));
                cache.invalidateTag(CacheTag.listing(change.listingKey()));
                cache.invalidateTag(CacheTag.anyListing());
            }
            lastSequence = Math.max(lastSequence, change.sequence());
        } finally {
            lock.unlock();
        }
    }

    /** The feed connection dropped: changes may be missed until it is back, so flush now. */
    public void connectionLost() {
        lock.lock();
        try {
            flushAll("change feed connection lost after sequence " + lastSequence);
            lastSequence = -1;
        } finally {
            lock.unlock();
        }
    }

    /** The last sequence applied, or -1 if unknown (after a flush, until the next change). */
    public long lastSequence() {
        lock.lock();
        try {
            return lastSequence;
        } finally {
            lock.unlock();
        }
    }

    public long flushes() {
        lock.lock();
        try {
            return flushes;
        } finally {
            lock.unlock();
        }
    }

    private void flushAll(String why) {
        log.warn("{}; flushing {} caches", why, 1 + taggedCaches.size());
        listings.invalidateAll();
        taggedCaches.forEach(Invalidator::invalidateAll);
        flushes++;
    }
}
