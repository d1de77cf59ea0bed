package io.hexproperty.http;

import io.hexproperty.caching.invalidation.CacheTag;
import io.hexproperty.domain.ListingKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@code POST /admin/cache/invalidate} (and {@code hexproperty cache purge}) does with a key, a
 * tag or everything. {@link #local} clears this node's L1 only; the platform's implementation also
 * reaches every other node, the shared tier and the CDN (ADR 0016).
 */
public interface CacheInvalidation {

    enum Scope { KEY, TAG, ALL }

    /**
     * Where an invalidation landed: {@code reached} names the layers it reached ("this node", "every
     * node", "redis", "cdn"); {@code missed} is empty when nothing was missed, else says what and why.
     */
    record Outcome(java.util.List<String> reached, String missed) {
        public Outcome {
            reached = java.util.List.copyOf(reached);
        }

        public boolean complete() {
            return missed == null || missed.isEmpty();
        }
    }

    /** Invalidates {@code value} (a listing key, a tag, or "" for all) at every layer this implementation reaches. */
    CompletionStage<Outcome> invalidate(Scope scope, String value);

    /** Only this node's L1. */
    static CacheInvalidation local(ResponseCache cache) {
        return (scope, value) -> {
            applyLocally(cache, scope, value);
            return CompletableFuture.completedFuture(new Outcome(java.util.List.of("this node"), ""));
        };
    }

    /** Drops the scope from {@code cache} (L1): a key's detail and the pages tagged with it, a tag, or all. */
    static void applyLocally(ResponseCache cache, Scope scope, String value) {
        switch (scope) {
            case KEY -> cache.invalidateKey(ListingKey.of(value));
            case TAG -> {
                cache.invalidateTag(value);
                // a listing's own tag names its detail too, which L1 keeps by key, not by tag
                CacheTag.listingOf(value).ifPresent(cache::invalidateKey);
            }
            case ALL -> cache.invalidateAll();
        }
    }
}
