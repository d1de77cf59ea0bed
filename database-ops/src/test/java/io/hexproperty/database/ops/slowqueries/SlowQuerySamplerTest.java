package io.hexproperty.database.ops.slowqueries;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.FreshDatabase;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.StandardStatus;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingDrafts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class SlowQuerySamplerTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = FreshDatabase.EXTENSION;

    private static final SlowQueryConfig CONFIG = new SlowQueryConfig(Duration.ofMillis(50), 3, Duration.ofMinutes(1),
            Duration.ofSeconds(10));

    @Test
    void capturesAnalyzedPlansOfSlowStatementsOncePerStatementAndKeepsTheNewest() throws Exception {
        DatabaseConfig db = FreshDatabase.create("slow");
        sql(db, "CREATE TABLE big (id int PRIMARY KEY, d int)", "INSERT INTO big SELECT i, i % 700 FROM generate_series(1, 20000) i");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SlowQuerySampler sampler = SlowQuerySampler.create(db, CONFIG, Clock.systemUTC(), registry)) {
            sampler.observe("SELECT count(*) FROM big WHERE d = $1", Tuple.of(5), Duration.ofMillis(10).toNanos()); // fast
            sampler.observe("SELECT count(*) FROM big WHERE d = $1", Tuple.of(5), Duration.ofMillis(120).toNanos());
            sampler.drain();
            sampler.observe("SELECT count(*) FROM big WHERE d = $1", Tuple.of(6), Duration.ofMillis(300).toNanos()); // same text: later
            sampler.drain();

            assertThat(sampler.recent()).singleElement().satisfies(s -> {
                assertThat(s.source()).isEqualTo("store");
                assertThat(s.params()).containsExactly("5");
                assertThat(s.tookMs()).isEqualTo(120.0);
                assertThat(s.analyzed()).isTrue();
                assertThat(s.plan()).contains("Seq Scan on big").contains("actual time=").contains("Buffers:")
                        .contains("Filter: (d = 5)");
            });
            assertThat(registry.get("db.slow.captured").tag("source", "store").counter().count()).isEqualTo(1);

            for (int i = 0; i < 4; i++) {
                sampler.observe("SELECT count(*) FROM big WHERE id > $1 AND d <> " + i, Tuple.of(i), Duration.ofSeconds(1).toNanos());
                sampler.drain();
            }
            assertThat(sampler.recent()).hasSize(3).first().satisfies(s -> assertThat(s.sql()).endsWith("d <> 3"));

            JsonObject json = new JsonObject(sampler.json());
            assertThat(json.getLong("thresholdMs")).isEqualTo(50);
            assertThat(json.getJsonArray("samples").getJsonObject(0).getString("sql")).endsWith("d <> 3");
            assertThat(json.getJsonArray("samples").getJsonObject(0).getString("plan")).contains(" on big");
        }
    }

    @Test
    void capturesStatementsThatPgStatStatementsSawOverTheThreshold() throws Exception {
        DatabaseConfig db = FreshDatabase.create("slow_pgss");
        sql(db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "CREATE TABLE wide (id int, d int)", "INSERT INTO wide SELECT i, i % 10 FROM generate_series(1, 200000) i",
                "SELECT count(DISTINCT (a.d, b.id)) FROM wide a JOIN wide b ON a.id = b.id WHERE a.d = 3");
        SlowQueryConfig fromZero = new SlowQueryConfig(Duration.ZERO, 10, Duration.ofMinutes(1), Duration.ofSeconds(10));
        try (SlowQuerySampler sampler = SlowQuerySampler.create(db, fromZero, Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(sampler.captureFromStatistics()).isPositive();

            assertThat(sampler.recent()).anySatisfy(s -> {
                assertThat(s.source()).isEqualTo("pg_stat_statements");
                assertThat(s.sql()).contains("FROM wide a JOIN wide b").contains("$1"); // normalized by the server
                assertThat(s.analyzed()).isFalse();
                assertThat(s.plan()).contains("Seq Scan on wide");
            });
            assertThat(sampler.captureFromStatistics()).as("same statements within a minute").isZero();
        }
    }

    @Test
    void theListingStoreReportsItsReadsToTheSampler() throws Exception {
        DatabaseConfig db = FreshDatabase.create("slow_store");
        Vertx vertx = Vertx.vertx();
        try (SlowQuerySampler sampler = SlowQuerySampler.create(db, new SlowQueryConfig(Duration.ZERO, 10, Duration.ofMinutes(1),
                Duration.ofSeconds(10)), Clock.systemUTC(), new SimpleMeterRegistry())) {
            Pool pool = PgPools.create(vertx, db);
            PgListingStore store = new PgListingStore(pool, Clock.systemUTC(), sampler);
            await(store.create(ListingDrafts.draft().status(StandardStatus.Active).contractDate(LocalDate.of(2026, 3, 1)).build(), "a1"));
            await(store.create(ListingDrafts.draft().status(StandardStatus.Active).contractDate(LocalDate.of(2026, 2, 1)).build(), "a1"));
            var first = await(store.search(SearchQuery.builder().status(StandardStatus.Active).limit(1).build()));
            sampler.drain();
            await(store.search(SearchQuery.builder().status(StandardStatus.Active).limit(1).cursor(first.next().orElseThrow()).build()));
            sampler.drain();

            assertThat(sampler.recent()).anySatisfy(s -> {
                assertThat(s.sql()).contains("listing_contract_date <= $2");
                assertThat(s.params()).contains("2026-03-01");
                assertThat(s.plan()).contains("listings_hot").doesNotContain("listings_archive").doesNotContain("no plan");
            });
            pool.close().await();
        } finally {
            vertx.close().await();
        }
    }

    /** Issue 9 item 11: values travel as bound parameters; they were pasted into the EXPLAIN text as literals. */
    @Test
    void valuesAreBoundAsParametersNeverPastedIntoTheExplainText() throws Exception {
        DatabaseConfig db = FreshDatabase.create("slow_bound");
        sql(db, "CREATE TABLE tagged (id int PRIMARY KEY, d int, name text)",
                "INSERT INTO tagged SELECT i, i % 50, 'n' || i FROM generate_series(1, 5000) i");
        try (SlowQuerySampler sampler = SlowQuerySampler.create(db, new SlowQueryConfig(Duration.ZERO, 10, Duration.ofMinutes(1),
                Duration.ofSeconds(10)), Clock.systemUTC(), new SimpleMeterRegistry())) {
            // an array value: as a pasted literal it was Java's toString ('[Ljava.lang.Integer;@...'), no plan at all
            sampler.observe("SELECT count(*) FROM tagged WHERE d = ANY($1)", Tuple.of(new Integer[] {5, 6}), 1);
            // a hostile string: bound, it is only ever a value
            String hostile = "x'); DROP TABLE tagged; SELECT ('";
            sampler.observe("SELECT count(*) FROM tagged WHERE name = $1 OR d = $2", Tuple.of(hostile, 7), 1);
            sampler.drain();
            assertThat(sampler.recent()).hasSize(2).allSatisfy(s -> assertThat(s.plan()).contains("actual time=")
                    .doesNotContain("no plan"));
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM tagged")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5000);
        }
    }

    private static void sql(DatabaseConfig db, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
