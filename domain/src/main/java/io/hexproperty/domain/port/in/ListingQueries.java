package io.hexproperty.domain.port.in;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What buyers do: open a listing, search listings. */
public interface ListingQueries {
    CompletionStage<Optional<Listing>> find(ListingKey key);

    CompletionStage<SearchPage> search(SearchQuery query);

    /**
     * The listing at {@code minimumVersion} or later when it exists (-1: no floor): what a cache that
     * already knows of that version loads with, so a lagging copy is never its answer.
     */
    default CompletionStage<Optional<Listing>> findAtLeast(ListingKey key, long minimumVersion) {
        return find(key);
    }

    /**
     * Read-your-writes: the listing as of at least a token a write returned ({@link
     * io.hexproperty.domain.Committed}); fails with a {@code DomainException} naming the token when malformed.
     */
    default CompletionStage<Optional<Listing>> findAfter(ListingKey key, String token) {
        return find(key);
    }
}
