package io.hexproperty.database.sharding;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.PgInquiryStore;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.ListingStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listing store contract through the router over three PostgreSQL databases, plus what only a
 * sharded store does: writes land on the shard of their state, reads find them there, each shard's
 * outbox feeds its own listener, inquiries follow their listing.
 */
@Postgres
class ShardedPgListingStoreTest extends ListingStoreContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = ShardDatabases.EXTENSION;
    private static final String AGENT = "AGSHARDED001";

    private final ShardMap map = ShardMap.byState(ShardDatabases.SHARDS);
    private final List<PgListingStore> shards = ShardDatabases.pools().stream()
            .map(pool -> new PgListingStore(pool, Clock.systemUTC())).toList();
    private final ShardedListingStore store = ShardedListingStore.of(map, shards);
    private final String city = "Shard City " + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

    @Override
    protected ListingStore store() {
        return store;
    }

    @Test
    void writesLandOnTheShardOfTheirStateAndEveryChangeReachesThatShardsListener() {
        List<String> states = List.of("CA", "TX", "NY");
        assertThat(states.stream().map(map::shardOf).distinct()).hasSize(3);
        @SuppressWarnings("unchecked")
        ConcurrentLinkedQueue<ListingChange>[] received = new ConcurrentLinkedQueue[ShardDatabases.SHARDS];
        try (ShardedChangeFeed feeds = ShardedChangeFeed.postgres(ShardDatabases.vertx(), ShardDatabases.pools(),
                ShardDatabases.configs(), Duration.ofMillis(200))) {
            await(feeds.start(shard -> {
                received[shard] = new ConcurrentLinkedQueue<>();
                return new ChangeFeed.Listener() {
                    @Override
                    public void onChange(ListingChange change) {
                        received[shard].add(change);
                    }

                    @Override
                    public void onConnectionLost(String reason) {
                    }
                };
            }));

            for (String state : states) {
                int home = map.shardOf(state);
                Listing created = await(store.create(ListingDrafts.draft().city(city).state(state).build(), AGENT));
                ListingKey key = created.listingKey();
                for (int s = 0; s < shards.size(); s++) {
                    assertThat(await(shards.get(s).find(key)).isPresent()).as(state + " on shard " + s).isEqualTo(s == home);
                }
                assertThat(await(store.shardOf(key))).contains(home);
                assertThat(await(store.find(key))).contains(created);

                Listing updated = await(store.update(key, new ListingPatch(null, Money.usd(123_456), null, null, null,
                        null, null, null), OptionalLong.of(1), AGENT));
                assertThat(updated.version()).isEqualTo(2);
                assertThat(await(shards.get(home).find(key))).contains(updated);
                SearchQuery inState = SearchQuery.builder().city(city).state(state).build();
                assertThat(await(store.search(inState)).items()).containsExactly(updated);

                assertThat(await(store.delete(key, AGENT))).isTrue();
                assertThat(await(store.find(key))).isEmpty();
                assertThat(await(store.delete(key, AGENT))).isFalse();
                assertThat(failure(store.update(key, new ListingPatch(null, Money.usd(1), null, null, null, null, null,
                        null), OptionalLong.empty(), AGENT))).isInstanceOf(ListingNotFoundException.class);

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received[home])
                        .filteredOn(c -> c.listingKey().equals(key))
                        .extracting(ListingChange::kind, ListingChange::version)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(ListingChange.Kind.UPSERT, 1L),
                                org.assertj.core.groups.Tuple.tuple(ListingChange.Kind.UPSERT, 2L),
                                org.assertj.core.groups.Tuple.tuple(ListingChange.Kind.DELETE, 3L)));
                for (int s = 0; s < shards.size(); s++) {
                    if (s != home) {
                        assertThat(received[s]).noneMatch(c -> c.listingKey().equals(key));
                    }
                }
            }
            assertThat(feeds.lastSequence(map.shardOf("CA"))).isPositive();
        }
    }

    @Test
    void inquiriesAreStoredOnTheShardOfTheirListing() {
        ShardedInquiryStore inquiries = ShardedInquiryStore.of(store,
                ShardDatabases.pools().stream().map(PgInquiryStore::new).toList());
        Listing listing = await(store.create(ListingDrafts.draft().city(city).state("FL").build(), AGENT));

        var inquiry = await(inquiries.submit(new InquiryDraft(listing.listingKey(), "Ann", "ann@example.com", "Is it available?")));

        assertThat(inquiry.listingKey()).isEqualTo(listing.listingKey());
        assertThat(failure(inquiries.submit(new InquiryDraft(ListingKey.of("HXNOSUCHKEY1"), "Ann", "ann@example.com",
                "Hello")))).isInstanceOf(ListingNotFoundException.class);
        // The foreign key would have refused it on any other shard; deleting the listing cascades there.
        assertThat(await(store.delete(listing.listingKey(), AGENT))).isTrue();
    }
}
