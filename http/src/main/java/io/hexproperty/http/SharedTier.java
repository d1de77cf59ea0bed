package io.hexproperty.http;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.domain.ListingKey;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A cache tier shared between nodes (L2, e.g. Redis) under the memory tier of listing details.
 * Values are the encoded responses as bytes. The composition root supplies it; the HTTP adapter
 * stays free of any particular store.
 */
public interface SharedTier {

    /** Wraps the database loader: ask the shared tier first, load (once across nodes) on a miss, fill it. */
    Function<ListingKey, CompletionStage<Optional<CachedValue<byte[]>>>> readThrough(
            Function<ListingKey, CompletionStage<Optional<CachedValue<byte[]>>>> source);

    /** A change committed at {@code version}: older copies must go. */
    void invalidate(ListingKey key, long version);
}
