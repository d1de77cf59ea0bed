package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.testing.InMemoryListingStore;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Search pages differ in size by two orders of magnitude (1 to 100 listings with up to 4,000 characters of
 * remarks), so the page tier is bounded by bytes: filled with far more large pages than fit, the bytes it
 * holds never exceed its budget, and small pages still fit by the hundred.
 */
@Unit
class SearchPageBudgetTest {
    private static final long BUDGET = 2L * 1024 * 1024;

    @Test
    void largePagesNeverHoldMoreThanTheBudget() {
        List<Listing> listings = listings(100);
        ResponseCache cache = cache(query -> page(query, listings));
        Encoded sample = cache.search(query(0, 100)).toCompletableFuture().join();
        assertThat(sample.weight()).as("one page of 100 listings is large").isGreaterThan(200_000);

        long maxSeen = 0;
        for (int i = 1; i <= 200; i++) {
            cache.search(query(i, 100)).toCompletableFuture().join();
            long held = cache.pageBytes();
            maxSeen = Math.max(maxSeen, held);
            assertThat(held).as("bytes held after page %d", i).isLessThanOrEqualTo(BUDGET);
            // independent of the weigher's running sum: entries x their (identical) size
            assertThat(cache.pageCount() * (long) sample.weight()).as("entries x page size after page %d", i)
                    .isLessThanOrEqualTo(BUDGET);
        }
        assertThat(cache.pageCount()).as("pages kept").isBetween(1L, BUDGET / sample.weight());
        assertThat(maxSeen).as("the budget is used, not just respected").isGreaterThan(BUDGET / 2);
    }

    @Test
    void smallPagesAreNotLimitedByACount() {
        List<Listing> one = listings(1);
        ResponseCache cache = cache(query -> page(query, one));
        long weight = cache.search(query(0, 1)).toCompletableFuture().join().weight();
        for (int i = 1; i < 1_000; i++) {
            cache.search(query(i, 1)).toCompletableFuture().join();
        }
        assertThat(cache.pageBytes()).isLessThanOrEqualTo(BUDGET);
        // small pages (~10 KB with their compressed copies) fill the budget by the hundred: bytes bound them, no count
        assertThat(cache.pageCount()).as("pages of %d bytes kept in %d bytes", weight, BUDGET)
                .isGreaterThan(BUDGET / 2 / weight).isGreaterThan(100);
    }

    private static ResponseCache cache(java.util.function.Function<SearchQuery, SearchPage> search) {
        ListingQueries queries = new ListingQueries() {
            @Override
            public CompletionStage<Optional<Listing>> find(ListingKey key) {
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override
            public CompletionStage<SearchPage> search(SearchQuery query) {
                return CompletableFuture.completedFuture(search.apply(query));
            }
        };
        // Runnable::run: eviction runs on the inserting thread, so "after each insert" is well defined.
        return ResponseCache.create(queries, new SimpleMeterRegistry(),
                ResponseCache.Config.defaults().withPageBytes(BUDGET), Clock.systemUTC(), DistributedTier.none(),
                io.hexproperty.domain.Signer.random(), Runnable::run);
    }

    private static SearchQuery query(int minPrice, int limit) {
        return SearchQuery.builder().minPrice(minPrice).limit(limit).build();
    }

    private static SearchPage page(SearchQuery query, List<Listing> listings) {
        return new SearchPage(listings.subList(0, Math.min(query.limit(), listings.size())), Optional.empty());
    }

    /** Listings with 4,000 characters of random remarks each, so gzip cannot shrink a page to nothing. */
    private static List<Listing> listings(int n) {
        InMemoryListingStore store = new InMemoryListingStore(Clock.systemUTC());
        SplittableRandom random = new SplittableRandom(9);
        List<Listing> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder remarks = new StringBuilder(Listing.MAX_REMARKS);
            while (remarks.length() < Listing.MAX_REMARKS) {
                remarks.append((char) ('a' + random.nextInt(26)));
            }
            out.add(store.create(ListingDrafts.draft().listingId("P-" + i).remarks(remarks.toString()).build(), "AG1")
                    .toCompletableFuture().join());
        }
        return out;
    }
}
