package io.hexproperty.database.sharding;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchSort;
import java.util.Comparator;

/**
 * The orders of {@code SearchSql}'s ORDER BY, in Java, for merging shard results. They must agree
 * with PostgreSQL row for row: the date and price comparisons are numeric, and listing_key
 * compares by code point as Java's {@link String#compareTo} does, because the embedded cluster is
 * initialised with the builtin C.UTF-8 locale (an external database must use a C/C.UTF-8 collation
 * for the key column, or merged pages would interleave differently from a single database).
 */
final class SearchOrder {
    private static final Comparator<Listing> BY_KEY = Comparator.comparing(Listing::listingKey);
    private static final Comparator<Listing> NEWEST = Comparator.comparing(Listing::listingContractDate)
            .reversed().thenComparing(BY_KEY);
    private static final Comparator<Listing> PRICE_ASC = Comparator.<Listing>comparingLong(l -> l.listPrice().dollars())
            .thenComparing(BY_KEY);
    private static final Comparator<Listing> PRICE_DESC = Comparator.<Listing>comparingLong(l -> l.listPrice().dollars())
            .reversed().thenComparing(BY_KEY);

    private SearchOrder() {}

    static Comparator<Listing> of(SearchSort sort) {
        return switch (sort) {
            case NEWEST -> NEWEST;
            case PRICE_ASC -> PRICE_ASC;
            case PRICE_DESC -> PRICE_DESC;
        };
    }
}
