package io.hexproperty.domain;

import java.util.List;
import java.util.Optional;

/** One page of search results and the cursor of the next page, if there is one. */
public record SearchPage(List<Listing> items, Optional<SearchCursor> next) {
    public SearchPage {
        items = List.copyOf(items);
    }

    /**
     * Builds a page from up to {@code limit + 1} rows fetched in sort order: the extra row only
     * proves that a next page exists.
     */
    public static SearchPage of(SearchQuery query, List<Listing> fetched) {
        if (fetched.size() > query.limit()) {
            List<Listing> page = fetched.subList(0, query.limit());
            return new SearchPage(page, Optional.of(SearchCursor.after(query, page.get(page.size() - 1))));
        }
        return new SearchPage(fetched, Optional.empty());
    }
}
