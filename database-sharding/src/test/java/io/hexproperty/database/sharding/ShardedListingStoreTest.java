package io.hexproperty.database.sharding;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.hexproperty.testing.InMemoryListingStore;
import io.hexproperty.testing.ListingDrafts;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Routing decisions of the sharded store, over in-memory shards that count the finds they answer. */
@Unit
class ShardedListingStoreTest {
    private static final String AGENT = "AGROUTING001";
    private final ShardMap map = ShardMap.byState(3);
    private final List<CountingStore> shards = List.of(new CountingStore(), new CountingStore(), new CountingStore());

    @Test
    void aKeySeenInSearchResultsIsFoundOnItsShardAlone() {
        ShardedListingStore store = ShardedListingStore.of(map, shards);
        Listing listing = seed(store, "NY");
        ShardedListingStore fresh = ShardedListingStore.of(map, shards);
        SearchPage page = await(fresh.search(SearchQuery.builder().city("Routing Town").build()));
        assertThat(page.items()).containsExactly(listing);

        assertThat(await(fresh.find(listing.listingKey()))).contains(listing);
        assertThat(finds()).containsExactly(only(map.shardOf("NY"), 1));
    }

    @Test
    void anUnseenKeyIsProbedOnEveryShard() {
        Listing listing = seed(ShardedListingStore.of(map, shards), "TX");
        ShardedListingStore probing = ShardedListingStore.of(map, shards, 0);

        assertThat(await(probing.find(listing.listingKey()))).contains(listing);
        assertThat(finds()).containsExactly(1, 1, 1);
    }

    @Test
    void aRememberedKeyThatWasDeletedElsewhereFallsBackToTheProbe() {
        ShardedListingStore nodeA = ShardedListingStore.of(map, shards);
        ShardedListingStore nodeB = ShardedListingStore.of(map, shards);
        Listing listing = seed(nodeA, "CA");
        assertThat(await(nodeB.find(listing.listingKey()))).contains(listing);
        assertThat(await(nodeA.delete(listing.listingKey(), AGENT))).isTrue();
        shards.forEach(s -> s.finds.set(0));

        assertThat(await(nodeB.find(listing.listingKey()))).isEmpty();
        int home = map.shardOf("CA");
        assertThat(finds()).containsExactly(home == 0 ? 2 : 1, home == 1 ? 2 : 1, home == 2 ? 2 : 1);
    }

    @Test
    void aFailedShardFailsFanOutSearchesButNotFindsOfKeysOnOtherShards() {
        ShardedListingStore healthy = ShardedListingStore.of(map, shards);
        Listing listing = seed(healthy, "FL");
        int broken = (map.shardOf("FL") + 1) % 3;
        List<ListingStore> withBroken = new java.util.ArrayList<>(shards);
        withBroken.set(broken, new FailingStore());
        ShardedListingStore store = ShardedListingStore.of(map, withBroken, 0);

        assertThat(await(store.find(listing.listingKey()))).contains(listing);
        assertThat(failure(store.search(SearchQuery.builder().city("Routing Town").build())))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("shard down");
        assertThat(failure(store.find(ListingKey.of("HXABSENT0001")))).isInstanceOf(StoreUnavailableException.class);
    }

    private Listing seed(ShardedListingStore store, String state) {
        Listing listing = await(store.create(ListingDrafts.draft().city("Routing Town").state(state).build(), AGENT));
        shards.forEach(s -> s.finds.set(0));
        return listing;
    }

    private List<Integer> finds() {
        return shards.stream().map(s -> s.finds.get()).toList();
    }

    private static Integer[] only(int shard, int count) {
        Integer[] counts = {0, 0, 0};
        counts[shard] = count;
        return counts;
    }

    /** A real in-memory store that counts the finds it answers. */
    private static final class CountingStore implements ListingStore {
        final InMemoryListingStore store = new InMemoryListingStore(Clock.systemUTC());
        final AtomicInteger finds = new AtomicInteger();

        @Override
        public CompletionStage<Optional<Listing>> find(ListingKey key) {
            finds.incrementAndGet();
            return store.find(key);
        }

        @Override
        public CompletionStage<SearchPage> search(SearchQuery query) {
            return store.search(query);
        }

        @Override
        public CompletionStage<Listing> create(ListingDraft draft, String agentKey) {
            return store.create(draft, agentKey);
        }

        @Override
        public CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expectedVersion, String agentKey) {
            return store.update(key, patch, expectedVersion, agentKey);
        }

        @Override
        public CompletionStage<Boolean> delete(ListingKey key, String agentKey) {
            return store.delete(key, agentKey);
        }
    }

    /** A shard whose database is down. */
    private static final class FailingStore implements ListingStore {
        private static <T> CompletionStage<T> down() {
            return CompletableFuture.failedFuture(new StoreUnavailableException("shard down", null));
        }

        @Override public CompletionStage<Optional<Listing>> find(ListingKey key) { return down(); }
        @Override public CompletionStage<SearchPage> search(SearchQuery query) { return down(); }
        @Override public CompletionStage<Listing> create(ListingDraft draft, String agentKey) { return down(); }
        @Override public CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expected, String agentKey) { return down(); }
        @Override public CompletionStage<Boolean> delete(ListingKey key, String agentKey) { return down(); }
    }
}
