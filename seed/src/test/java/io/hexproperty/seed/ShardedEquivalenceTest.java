package io.hexproperty.seed;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.ListingKey;
import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.embedded.EmbeddedShards;
import io.hexproperty.database.sharding.ShardMap;
import io.hexproperty.database.sharding.ShardedListingStore;
import io.hexproperty.testing.QueryMix;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.seed.ListingGenerator;
import io.hexproperty.seed.SeedConfig;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.Seeder;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.database.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The proof that sharding changes nothing a client can see: the same seed loaded into one
 * PostgreSQL and, split by state, into three others; hundreds of generated searches (every filter,
 * every sort, limits 1-100, state-scoped and fanned out, walked over several pages by cursor) must
 * return identical pages: the same listings in the same order with the same next cursors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Postgres
class ShardedEquivalenceTest {
    private static final int LISTINGS = 5_000;
    private static final long SEED = 20261125;
    private static final int SHARDS = 3;
    private static final int QUERIES = 450;
    private static final int MAX_PAGES = 6;
    private static final Clock AS_OF = Clock.fixed(Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC);

    private Path root;
    private EmbeddedDatabase single;
    private EmbeddedShards shards;
    private Vertx vertx;
    private final List<Pool> pools = new ArrayList<>();
    private PgListingStore unsharded;
    private ShardedListingStore sharded;
    private final ShardMap map = ShardMap.byState(SHARDS);

    @BeforeAll
    void loadTheSameSeedTwice() throws IOException {
        root = Files.createTempDirectory("hexproperty-sharding-");
        shards = EmbeddedShards.start(root, SHARDS,
                db -> Migrations.apply(db.jdbcUrl(), db.user(), db.password()));
        single = EmbeddedDatabase.start(root.resolve("single"), 0);
        Migrations.apply(single.jdbcUrl(), single.user(), single.password());

        SeedConfig options = SeedConfig.defaults().withClock(AS_OF);
        new Seeder(single.jdbcUrl(), single.user(), single.password(), options).seed(LISTINGS, SEED, SeedProgress.none());
        new ShardSeeder(map, shards.urls().stream().map(DatabaseConfig::of).toList(), options).seed(LISTINGS, SEED, SeedProgress.none());

        vertx = Vertx.vertx();
        Pool singlePool = PgPools.create(vertx, DatabaseConfig.of(single.url()));
        pools.add(singlePool);
        unsharded = new PgListingStore(singlePool, Clock.systemUTC());
        List<PgListingStore> stores = new ArrayList<>();
        for (DatabaseConfig config : shards.urls().stream().map(DatabaseConfig::of).toList()) {
            Pool pool = PgPools.create(vertx, config);
            pools.add(pool);
            stores.add(new PgListingStore(pool, Clock.systemUTC()));
        }
        sharded = ShardedListingStore.of(map, stores);
    }

    @AfterAll
    void stop() throws IOException {
        pools.forEach(Pool::close);
        if (vertx != null) {
            vertx.close().await();
        }
        if (shards != null) {
            shards.close();
        }
        if (single != null) {
            single.close();
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theShardsTogetherHoldExactlyTheUnshardedSeedEachStateOnItsShard() throws SQLException {
        Set<String> all = keys(DatabaseConfig.of(single.url()));
        Set<String> union = new HashSet<>();
        for (int s = 0; s < SHARDS; s++) {
            DatabaseConfig config = shards.urls().stream().map(DatabaseConfig::of).toList().get(s);
            Set<String> held = keys(config);
            assertThat(held).as("shard " + s).isNotEmpty();
            assertThat(union).as("no key on two shards").doesNotContainAnyElementsOf(held);
            union.addAll(held);
            assertThat(map.statesOf(s)).as("states of shard " + s).containsAll(states(config));
        }
        assertThat(all).hasSize(LISTINGS);
        assertThat(union).isEqualTo(all);
    }

    @Test
    void everyGeneratedSearchReturnsIdenticalPagesWalkedByCursor() {
        ListingGenerator generator = ListingGenerator.create(SEED, AS_OF.instant());
        List<Listing> sample = generator.listings(0, LISTINGS).toList();
        List<QueryMix.Generated> queries = new QueryMix(sample, 7).next(QUERIES);

        Map<QueryMix.Scope, Integer> nonEmpty = new EnumMap<>(QueryMix.Scope.class);
        int pagesCompared = 0;
        int multiShardPages = 0;
        int multiPageWalks = 0;
        for (QueryMix.Generated generated : queries) {
            SearchQuery query = generated.query();
            for (int page = 0; page < MAX_PAGES; page++) {
                SearchPage expected = await(unsharded.search(query));
                SearchPage actual = await(sharded.search(query));
                assertThat(actual.items()).as("page %d of %s", page, query).isEqualTo(expected.items());
                assertThat(actual.next()).as("next cursor of page %d of %s", page, query).isEqualTo(expected.next());
                pagesCompared++;
                if (!expected.items().isEmpty()) {
                    nonEmpty.merge(generated.scope(), 1, Integer::sum);
                }
                if (expected.items().stream().map(l -> map.shardOf(l.address().stateOrProvince())).distinct().count() > 1) {
                    multiShardPages++;
                }
                if (expected.next().isEmpty()) {
                    break;
                }
                if (page == 1) {
                    multiPageWalks++;
                }
                query = query.withCursor(expected.next().get());
            }
        }
        // The comparison is only as good as its coverage: results in every scope, merges that
        // interleave shards, and walks over several pages.
        assertThat(nonEmpty.keySet()).containsExactlyInAnyOrder(QueryMix.Scope.values());
        assertThat(multiShardPages).isGreaterThan(100);
        assertThat(multiPageWalks).isGreaterThan(50);
        assertThat(pagesCompared).isGreaterThan(QUERIES);
    }

    @Test
    void aFindOfEverySampledKeyReturnsTheSameListing() {
        for (long i = 0; i < LISTINGS; i += 37) {
            var key = ListingKey.ofIndex(i);
            assertThat(await(sharded.find(key))).isEqualTo(await(unsharded.find(key))).isPresent();
        }
    }

    private static Set<String> keys(DatabaseConfig config) throws SQLException {
        return strings(config, "SELECT listing_key FROM listings");
    }

    private static Set<String> states(DatabaseConfig config) throws SQLException {
        return strings(config, "SELECT DISTINCT state_or_province FROM listings");
    }

    private static Set<String> strings(DatabaseConfig config, String sql) throws SQLException {
        Set<String> values = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
