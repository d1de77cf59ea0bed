package io.hexproperty.http;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchQuery;

/** Reaches the cursor's query hash the way the domain computes it, through its public API. */
final class SearchCursorAccess {
    private SearchCursorAccess() {}

    static int hash(SearchQuery query) {
        return SearchCursor.after(query, sample()).queryHash();
    }

    private static Listing sample() {
        return new Listing(io.hexproperty.domain.ListingKey.of("HX1"), "MLS1", io.hexproperty.domain.StandardStatus.Active,
                io.hexproperty.domain.Money.usd(1), io.hexproperty.domain.PropertyType.Residential, 1, 1, 1,
                new io.hexproperty.domain.Address("1 Main St", "Houston", "TX", "77002"),
                new io.hexproperty.domain.GeoPoint(29.7, -95.3), 0, 0, java.time.LocalDate.of(2024, 1, 1),
                java.time.Instant.EPOCH, 0, null, null, 1);
    }
}
