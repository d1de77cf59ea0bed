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
}
