package io.hexproperty.database.sharding;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * K-way merge of the pages the shards returned for one query into the page a single database would
 * have returned.
 *
 * <p>Why it is exact: every shard ran the same query with the same keyset cursor, and the sort is a
 * total order shared by all shards, so the global page is the first {@code limit} of the union of
 * the shards' first {@code limit} rows each. A next page exists when the union holds more than
 * {@code limit} rows, or when any shard said it had more (its extra rows sort after its own page,
 * so after the global page's last row too); in both cases the cursor points after the page's last
 * row, which is what {@link SearchPage#of} computes from {@code limit + 1} rows.
 */
final class PageMerge {
    private PageMerge() {}

    static SearchPage merge(SearchQuery query, List<SearchPage> pages) {
        if (pages.size() == 1) {
            return pages.getFirst();
        }
        Comparator<Listing> order = SearchOrder.of(query.sort());
        PriorityQueue<Head> heads = new PriorityQueue<>(pages.size(), (a, b) -> order.compare(a.current(), b.current()));
        boolean anyMore = false;
        for (SearchPage page : pages) {
            anyMore |= page.next().isPresent();
            if (!page.items().isEmpty()) {
                heads.add(new Head(page.items()));
            }
        }
        int wanted = query.limit() + 1;
        List<Listing> merged = new ArrayList<>(wanted);
        while (merged.size() < wanted && !heads.isEmpty()) {
            Head head = heads.poll();
            merged.add(head.current());
            if (head.advance()) {
                heads.add(head);
            }
        }
        if (merged.size() > query.limit() || !anyMore) {
            return SearchPage.of(query, merged);
        }
        return new SearchPage(merged, Optional.of(SearchCursor.after(query, merged.getLast())));
    }

    /** The next unmerged row of one shard's page. */
    private static final class Head {
        private final List<Listing> items;
        private int position;

        Head(List<Listing> items) {
            this.items = items;
        }

        Listing current() {
            return items.get(position);
        }

        boolean advance() {
            return ++position < items.size();
        }
    }
}
